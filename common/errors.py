"""The base of every domain failure: a message, the field it concerns, its 4xx status.

Views and the API turn these into clear answers (the API through one exception handler,
accounts.api.exception_handler); each app subclasses it in its own exceptions module.
"""

from typing import Any


class DomainError(Exception):
    """A request that cannot be carried out, with the status it deserves."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def extra(self) -> dict[str, Any]:
        """More members of the API's error body (e.g. the existing image's id)."""
        return {}

    def body(self) -> dict[str, Any]:
        """The API's error body: {"detail": ..., <field>: [...]}, and any extra."""
        body: dict[str, Any] = {"detail": self.message}
        if self.field:
            body[self.field] = [self.message]
        return {**body, **self.extra()}
