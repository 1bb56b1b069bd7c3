"""Hooks: how a later app extends an earlier one without the earlier one importing it.

An app that announces something (an image was captured) or asks a question that later
apps can answer (is this image kept for a reason you know of?) declares a Hook. The later
app registers its function in its AppConfig.ready(), so the import arrow points one way:
from the later app to the earlier (docs/architecture.md, "How the arrows stay one-way").
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

F = TypeVar("F")


class Hook(Generic[F]):
    """An ordered set of functions (or descriptions) later apps register in ready()."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[F] = []

    def register(self, function: F) -> F:
        """Add a function (once: ready() may run twice in some test runners)."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self) -> Iterator[F]:
        return iter(list(self._functions))

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"
