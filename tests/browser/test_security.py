"""In real Chromium: a records manager enrols and signs in with TOTP; injected script is text."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, expect

from accounts.models import SealedTOTPDevice
from records.models import Patient
from tests.browser.conftest import screenshot, sign_in
from tests.security.totp import current_code


def _watch_for_csp_violations(context: BrowserContext) -> list[str]:
    found: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    context.on("console", record)
    return found


@pytest.mark.mfa
def test_a_records_manager_enrols_an_authenticator_and_signs_in_with_its_code(
    live_server: object, context: BrowserContext, records_manager: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    violations = _watch_for_csp_violations(context)
    page = context.new_page()
    sign_in(page, base, "records.manager")
    expect(
        page.get_by_role("heading", name="Set up your authenticator app")
    ).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    screenshot(page, "mfa-enrol")
    device = SealedTOTPDevice.objects.get(user=records_manager)
    page.get_by_label("Six-digit code").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()

    # A later sign-in, in a fresh browser session, asks for the next code.
    page.get_by_role("button", name="Sign out").click()
    with time_machine.travel(timezone.now() + timedelta(seconds=45), tick=True):
        sign_in(page, base, "records.manager")
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        device.refresh_from_db()
        page.get_by_label("Six-digit code").fill(current_code(device))
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    screenshot(page, "mfa-signed-in")
    assert violations == []


def test_a_patient_named_as_a_script_is_shown_as_text_and_never_runs(
    live_server: object, context: BrowserContext, nurse: User, patient: Patient
) -> None:
    patient.family_name = "<script>alert(1)</script>"
    patient.given_names = "<img src=x onerror=alert(2)>"
    patient.save()
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page = context.new_page()
    page.on("dialog", record)
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    # full_name upper-cases the family name: the text shows, nothing runs or loads.
    name = page.locator("main strong", has_text="<SCRIPT>ALERT(1)</SCRIPT>")
    expect(name).to_contain_text("<img src=x onerror=alert(2)>")
    expect(page.locator("main img[src='x']")).to_have_count(0)
    screenshot(page, "injected-name-as-text")
    assert dialogs == []
