"""A ward nurse signs in on a phone in real Chromium and lands on her wards."""

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from records.models import Patient
from tests.browser.conftest import screenshot, sign_in


def test_nurse_signs_in_on_a_phone_and_sees_her_ward(
    live_server: object, phone: BrowserContext, nurse: User, patient: Patient
) -> None:
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name="My wards")).to_be_visible()
    expect(page.get_by_role("heading", name="Ward 5A Surgical")).to_be_visible()
    expect(page.get_by_text("CITIZEN, Jane")).to_be_visible()
    screenshot(page, "home-phone")


def test_a_wrong_password_shows_a_clear_message(
    live_server: object, phone: BrowserContext, nurse: User
) -> None:
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse", password="not-my-password")  # type: ignore[attr-defined]
    expect(page.get_by_role("alert")).to_contain_text("did not match")
