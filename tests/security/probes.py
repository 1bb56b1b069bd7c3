"""Attacks applied to every route the URL walker finds; each returns what went wrong."""

from uuid import UUID, uuid4

from django.test import Client

from tests.security.routes import Route

HTML_TYPES = ("text/html", "application/xhtml", "image/svg", "text/xml")


def _fetch(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code, getattr(response, "content", b"")


def idor_problems(
    client: Client, routes: list[Route], foreign: list[UUID]
) -> list[str]:
    """Routes where someone else's object answers differently from one that never existed.

    404 is the answer the ground truths ask for. A role-gated route may refuse with 403
    before it looks the object up, which is fine only if a random id gets the same answer.
    """
    problems = []
    for route in routes:
        unknown_status, _ = _fetch(client, route.url(uuid4()))
        for uuid in foreign:
            found_status, _ = _fetch(client, route.url(uuid))
            if found_status == 404:
                continue
            if found_status == unknown_status and found_status in (401, 403):
                continue
            problems.append(f"{route.route} answered {found_status} for {uuid}")
    return problems


def stored_bytes_problems(client: Client, routes: list[Route], uuid: UUID) -> list[str]:
    """Routes that served stored bytes without the protective headers."""
    problems = []
    for route in routes:
        if not route.serves_bytes:
            continue
        response = client.get(route.url(uuid))
        if response.status_code != 200:
            continue
        headers = response.headers
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{route.route}: no nosniff")
        if "no-store" not in headers.get("Cache-Control", ""):
            problems.append(f"{route.route}: cacheable")
        if not headers.get("Content-Disposition"):
            problems.append(f"{route.route}: no Content-Disposition")
        if headers.get("Content-Type", "").startswith(HTML_TYPES):
            problems.append(f"{route.route}: served as {headers['Content-Type']}")
        if "sandbox" not in headers.get("Content-Security-Policy", ""):
            problems.append(f"{route.route}: not sandboxed")
    return problems
