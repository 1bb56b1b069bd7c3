"""In real Chromium, with the keyboard alone: a capture, and a disposal approved twice."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from imaging.models import ClinicalImage
from records.models import Encounter, Facility, Patient, Ward
from retention.compute import recompute_retention
from retention.models import RetentionRule
from retention.sweep import sweep_retention
from retention.verification import verify_retention_rule
from tests.browser.conftest import sign_in
from tests.data import corpus
from tests.factories import EncounterFactory, PatientFactory, capture


def tab_to(page: Page, target: Locator, presses: int = 80) -> None:
    """Press Tab until the target has the focus, as a keyboard user moves through a page."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_nurse_captures_a_photo_with_the_keyboard_alone(
    live_server: object,
    context: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
) -> None:
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(corpus.SAMPLES["gps-and-comment.jpg"].data)
    page = context.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/capture/")  # type: ignore[attr-defined]

    tab_to(page, page.get_by_label("MRN or name"))
    page.keyboard.type(patient.mrn)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Select CITIZEN, Jane"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"MRN {patient.mrn}")).to_be_visible()

    tab_to(page, page.locator("#choose-photo"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(photo))
    expect(page.get_by_role("textbox", name="Device")).to_have_value("Apple iPhone 15")
    tab_to(page, page.get_by_label("Search body sites"))
    page.keyboard.type("heel")
    tab_to(page, page.get_by_role("button", name="Heel (back)"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Chosen: Heel")).to_be_visible()
    tab_to(page, page.locator("select[name=consent_kind]"))
    page.keyboard.type("Verbal")
    care = page.get_by_role("checkbox", name="Clinical care")
    tab_to(page, care)
    if not care.is_checked():
        page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Send to the health record"))
    page.keyboard.press("Enter")

    expect(page.locator(".receipt")).to_contain_text("Stored in the health record")
    image = ClinicalImage.objects.get()
    assert (image.patient, image.body_site_code) == (patient, "76853006")
    assert image.consent_kind == "verbal"
    assert "care" in image.consent_purposes


def _due_batch(nurse: User, ward: Ward, records_manager: User) -> Any:
    """A disposal batch holding one photo from a stay that ended ten years ago."""
    Facility.objects.filter(pk=ward.facility.pk).update(sector="private")
    rule = RetentionRule.objects.create(
        name="NSW adult",
        jurisdiction="NSW",
        trigger="last_service",
        years=7,
        citation="NSW HRIPA s25",
    )
    verify_retention_rule(
        actor=records_manager,
        rule=rule,
        source_title="Health Records and Information Privacy Act 2002 (NSW)",
        source_version="current",
        clause="s 25",
        reason="Read against the Act",
    )
    ten_years_ago = timezone.now() - timedelta(days=3660)
    person = PatientFactory(facility=ward.facility, family_name="Longago")
    EncounterFactory(patient=person, ward=ward, started_at=ten_years_ago)
    capture(actor=nurse, patient=person, captured_at=ten_years_ago)
    Encounter.objects.filter(patient=person).update(
        ended_at=ten_years_ago + timedelta(hours=3)
    )
    recompute_retention()
    batch = sweep_retention(actor=None).batch
    assert batch is not None
    return batch


def _approve_by_keyboard(browser: Browser, url: str, base: str, username: str) -> Page:
    page = browser.new_context(locale="en-AU").new_page()
    sign_in(page, base, username)
    page.goto(url)
    tab_to(page, page.get_by_role("button", name="Approve disposal"))
    page.keyboard.press("Enter")
    return page


def test_two_records_managers_approve_a_disposal_with_the_keyboard_alone(
    live_server: Any,
    browser: Browser,
    settings: Any,
    ward: Ward,
    nurse: User,
    records_manager: User,
    records_manager2: User,
) -> None:
    settings.CUSTODIAN_DISPOSAL_WAIT_DAYS = 0
    batch = _due_batch(nurse, ward, records_manager)
    url = f"{live_server.url}/retention/batches/{batch.public_id}/"

    first = _approve_by_keyboard(browser, url, live_server.url, "records.manager")
    expect(first.get_by_text("Awaiting second approval")).to_be_visible()
    second = _approve_by_keyboard(browser, url, live_server.url, "records.manager2")
    expect(second.get_by_text("Approved, waiting period")).to_be_visible()
    batch.refresh_from_db()
    assert (batch.first_approved_by, batch.second_approved_by) == (
        records_manager,
        records_manager2,
    )
