"""Every page carries the transport and browser headers; no page needs inline script."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from records.models import Patient
from tests.security.routes import plain_routes

pytestmark = pytest.mark.django_db

CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _policy(response: Any) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def _pages(client: Client) -> list[tuple[str, Any]]:
    found = []
    for route in plain_routes():
        if route.route.startswith("api/"):
            continue
        response = client.get(route.url())
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found.append((route.url(), response))
    return found


def test_every_page_has_the_strict_policy_and_the_other_headers(
    nurse: User, patient: Patient
) -> None:
    client = Client()
    client.force_login(nurse)
    pages = _pages(client) + _pages(Client())
    assert len(pages) >= 3
    for url, response in pages:
        assert _policy(response) == CSP, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        camera = "camera=(self)" if url.startswith("/capture/") else "camera=()"
        assert camera in response["Permissions-Policy"], url


@pytest.mark.parametrize("cast", ["nurse", "records_manager", "administrator"])
def test_no_page_relies_on_inline_script_or_style(
    cast: str, request: pytest.FixtureRequest, patient: Patient
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(cast))
    pages = _pages(client)
    pages += [("/admin/", client.get("/admin/"))]
    for url, response in pages:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert not INLINE_STYLE.search(html), url


def test_the_admin_works_under_the_same_policy(administrator: User) -> None:
    """Django 5.2's admin ships its script as files (no inline code): no override needed."""
    client = Client()
    client.force_login(administrator)
    for url in ("/admin/", "/admin/records/facility/", "/admin/records/facility/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _policy(response) == CSP
        assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_only_the_capture_page_may_use_the_camera(nurse: User) -> None:
    client = Client()
    client.force_login(nurse)
    assert "camera=(self)" in client.get("/capture/")["Permissions-Policy"]
    assert "camera=()" in client.get("/")["Permissions-Policy"]
    assert "microphone=()" in client.get("/capture/")["Permissions-Policy"]


def test_a_patient_named_as_a_script_is_shown_as_text(
    nurse: User, patient: Patient
) -> None:
    patient.family_name = "<script>alert(1)</script>"
    patient.given_names = '"><img src=x onerror=alert(2)>'
    patient.save()
    client = Client()
    client.force_login(nurse)
    html = client.get("/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.lower()
    assert "<script>alert(1)</script>" not in html.lower()
    assert "<img src=x onerror" not in html
