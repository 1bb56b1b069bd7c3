"""In real Chromium: every page each role reaches passes axe-core's WCAG 2.1 AA checks.

Each role signs in with the demo data and follows the links its pages offer (one page of
each kind: the fifth patient's gallery is built as the first one's); axe runs on each at
desktop width and again at a phone's 390x844. Serious or critical violations fail.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import sign_in

DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)
DEMO_PASSWORD = "custodian-demo"
LOCKOUT_AFTER = django_settings.AXES_FAILURE_LIMIT
# Links that leave the pages a person reads: files, machine interfaces, signing out.
NOT_PAGES = re.compile(
    r"(^/(api|fhir|feed|static|media)/)|(/accounts/logout/)"
    r"|(\.(csv|pdf|zip|png|jpe?g)$)|(/(original|thumbnail|preview|download|pdf)/$)"
)
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
ROLES = [
    "ward.nurse",
    "records.manager",
    "legal.officer",
    "privacy.officer",
    "admin",
]


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    call_command("seed_demo", "--force", verbosity=0)


def kind_of(path: str) -> str:
    return ID.sub("<id>", path)


def links_on(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.href)"
    )
    paths = []
    for href in hrefs:
        url = urlsplit(urldefrag(href)[0])
        if f"{url.scheme}://{url.netloc}" != origin or NOT_PAGES.search(url.path):
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def check_both_widths(page: Page) -> list[str]:
    found = [f"desktop {v}" for v in serious_violations(page)]
    page.set_viewport_size(PHONE)
    found += [f"phone {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return found


def crawl(page: Page, origin: str, limit: int = 40) -> dict[str, list[str]]:
    """Visit one page of each kind reachable from home; axe's findings per page."""
    seen = {kind_of("/")}
    queue = deque(["/"])
    findings: dict[str, list[str]] = {}
    while queue and len(findings) < limit:
        path = queue.popleft()
        response = page.goto(origin + path)
        assert response is not None
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status < 500, f"{path} answered {response.status}"
        findings[path] = check_both_widths(page)
        for link in links_on(page, origin):
            kind = kind_of(urlsplit(link).path)
            # Django's admin is one area: its index and a few lists stand for it.
            if kind.startswith("/admin/") and kind.count("/") > 4:
                continue
            if kind not in seen:
                seen.add(kind)
                queue.append(link)
    return findings


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_has_no_serious_accessibility_violation(
    live_server: object, browser: Browser, demo_data: None, username: str
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    context = browser.new_context(viewport=DESKTOP, locale="en-AU")
    page = context.new_page()
    sign_in(page, base, username, DEMO_PASSWORD)
    findings = crawl(page, base)
    context.close()
    assert len(findings) >= 3, f"{username} reached only {list(findings)}"
    failing = {path: found for path, found in findings.items() if found}
    assert not failing, f"{username}: {failing}"


def test_axe_reports_an_unlabelled_field_so_a_clean_page_means_something(
    live_server: object, page: Page
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")  # type: ignore[attr-defined]
    assert serious_violations(page) == []
    page.evaluate(
        """() => document.querySelector('main').append(document.createElement('input'))"""
    )
    assert any(v.startswith("label (critical)") for v in serious_violations(page))


def test_sign_in_error_and_lockout_pages_have_no_serious_violation(
    live_server: object, page: Page, demo_data: None
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/accounts/login/")
    assert check_both_widths(page) == []

    sign_in(page, base, "ward.nurse", DEMO_PASSWORD)
    missing = page.goto(f"{base}/images/00000000-0000-4000-8000-000000000000/")
    assert missing is not None
    assert missing.status == 404
    assert check_both_widths(page) == []
    refused = page.goto(f"{base}/retention/")
    assert refused is not None
    assert refused.status == 403
    assert check_both_widths(page) == []
    page.context.clear_cookies()

    for _ in range(LOCKOUT_AFTER):
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill("paeds.doctor")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("lock", re.I)
    )
    assert check_both_widths(page) == []
