"""A nurse signs in through the hospital's identity provider in real Chromium."""

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from records.models import Patient, StaffMembership, Ward
from tests.browser.conftest import screenshot
from tests.oidc_provider import Provider


def test_a_nurse_signs_in_with_the_hospital_provider_and_out_again(
    live_server: object,
    phone: BrowserContext,
    oidc: Provider,
    ward: Ward,
    patient: Patient,
) -> None:
    oidc.add_user(
        "nina.nurse", roles=["nurse"], wards=[f"{ward.facility.code}/{ward.code}"]
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = phone.new_page()

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with Hospital ID").click()
    expect(page.get_by_role("heading", name="Hospital sign-in")).to_be_visible()
    assert page.url.startswith(f"{oidc.issuer}/authorize?")
    page.get_by_label("Username").fill("nina.nurse")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My wards")).to_be_visible()
    expect(page.get_by_role("heading", name="Ward 5A Surgical")).to_be_visible()
    expect(page.get_by_text("CITIZEN, Jane")).to_be_visible()
    user = User.objects.get(username="nina.nurse")
    assert StaffMembership.objects.filter(user=user, ward=ward).exists()
    screenshot(page, "oidc-home-phone")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in with Hospital ID")).to_be_visible()
    assert page.url.startswith(f"{base}/accounts/login/")
    assert len(oidc.log()["end_session"]) == 1
