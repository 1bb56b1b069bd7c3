"""Walks the URL configuration so attack tests cover endpoints added after they were written."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Routes that only read stored bytes: they must answer through vault.responses.
BYTES_WORDS = ("original", "thumbnail", "preview", "pdf", "download")


@dataclass(frozen=True)
class Route:
    route: str
    name: str

    @property
    def converters(self) -> list[str]:
        return [m["converter"] or "str" for m in PARAM.finditer(self.route)]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def serves_bytes(self) -> bool:
        return any(word in self.name for word in BYTES_WORDS)

    def url(self, uuid: UUID | None = None, number: int = 1) -> str:
        def fill(match: re.Match[str]) -> str:
            converter = match["converter"] or "str"
            if converter == "uuid":
                return str(uuid)
            return str(number) if converter == "int" else "x"

        return "/" + PARAM.sub(fill, self.route)


def _pattern_text(entry: URLPattern | URLResolver) -> str | None:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        # Routes that need a value chosen from a regular expression cannot be filled in.
        return None if "(" in text or "\\" in text else text
    return None


def _walk(
    entries: list[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[Route]:
    for entry in entries:
        text = _pattern_text(entry)
        if text is None:
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + text, inner)
        else:
            yield Route(prefix + text, f"{namespace}{entry.name or ''}")


def all_routes(urlconf: str | None = None) -> list[Route]:
    """Every route of the URL configuration, with namespaced names."""
    return list(_walk(get_resolver(urlconf).url_patterns, "", ""))


def object_routes(urlconf: str | None = None) -> list[Route]:
    """Routes outside the admin that name an object by its public UUID."""
    return [r for r in all_routes(urlconf) if "uuid" in r.converters and not r.is_admin]


def plain_routes(urlconf: str | None = None) -> list[Route]:
    """Routes that take no parameters."""
    return [r for r in all_routes(urlconf) if not r.converters]
