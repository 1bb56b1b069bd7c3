"""PACS failures the API and commands turn into clear answers (one error shape)."""

from common.errors import DomainError


class PacsSendNotFound(DomainError):
    """No such image or send, or not one the user may see: the same answer (404)."""

    status_code = 404


class UnknownDestination(DomainError):
    """No PACS destination by that name for the image's facility (400)."""

    status_code = 400


class InvalidDestination(DomainError):
    """A destination's address or AE titles are not usable (400)."""

    status_code = 400


class ReasonRequired(DomainError):
    """A sensitive image goes to a PACS only with a recorded reason (403)."""

    status_code = 403


class RetryLater(Exception):
    """A transient failure (busy or unreachable PACS): the task tries again later."""
