"""In real Chromium: the privacy officer's and the administrator's tasks, as the guide shows them.

A nurse from another ward breaks the glass; the privacy officer reviews that access and
reads the patient's access report. An administrator turns on the wristband scan for a
facility and disables an account, which ends that user's open session at once.
"""

from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, expect

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import BreakGlassAccess, Facility, Patient
from tests.browser.conftest import screenshot, sign_in


def test_privacy_officer_reviews_a_break_glass_and_reads_the_access_report(
    live_server: object,
    browser: Browser,
    context: BrowserContext,
    outsider: User,
    privacy_officer: User,
    patient: Patient,
    wound_photo: ClinicalImage,
    tmp_path: Path,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    colleague = browser.new_context(viewport={"width": 1280, "height": 900})
    theirs = colleague.new_page()
    sign_in(theirs, base, "outsider")
    theirs.get_by_role("link", name="Patient not on my wards (break the glass)").click()
    theirs.get_by_label("Patient's MRN").fill(patient.mrn)
    theirs.get_by_label("Reason").select_option("consult")
    theirs.get_by_label("Explain why you need this record").fill(
        "Plastics consult asked to see the forearm wound"
    )
    screenshot(theirs, "break-glass-form")
    theirs.get_by_role("button", name="Break the glass and open the record").click()
    expect(theirs.get_by_role("heading", name="CITIZEN, Jane")).to_be_visible()
    colleague.close()

    page = context.new_page()
    sign_in(page, base, "privacy.officer")
    page.get_by_role("link", name="Break-the-glass review").click()
    access = page.get_by_role("article", name="Access by outsider to CITIZEN, Jane")
    expect(access).to_contain_text("Plastics consult asked to see the forearm wound")
    screenshot(page, "privacy-break-glass")
    access.get_by_label("Appropriate").check()
    access.get_by_label("Note").fill("Consult request confirmed with the ward")
    access.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    review = BreakGlassAccess.objects.get(user=outsider, patient=patient)
    assert (review.review_status, review.reviewed_by) == (
        "appropriate",
        privacy_officer,
    )

    page.goto(f"{base}/audit/")
    page.get_by_label("MRN or family name").fill(patient.mrn)
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("link", name="CITIZEN, Jane").click()
    report = page.get_by_role("table")
    expect(report).to_contain_text("outsider")
    expect(report).to_contain_text("Plastics consult asked to see the forearm wound")
    screenshot(page, "privacy-access-report")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    saved = tmp_path / "access.csv"
    info.value.save_as(saved)
    assert "outsider" in saved.read_text()
    assert AuditEvent.objects.filter(
        actor=privacy_officer, action="access_report"
    ).exists()


def test_administrator_turns_on_the_wristband_scan_and_disables_an_account(
    live_server: object,
    browser: Browser,
    context: BrowserContext,
    administrator: User,
    nurse: User,
    facility: Facility,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    nurses = browser.new_context(viewport={"width": 1280, "height": 900})
    theirs = nurses.new_page()
    sign_in(theirs, base, "nurse")
    expect(theirs.get_by_role("heading", name="Welcome")).to_be_visible()

    page = context.new_page()
    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/records/facility/{facility.pk}/change/")
    page.get_by_label("Requires wristband scan").check()
    screenshot(page, "admin-facility")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    facility.refresh_from_db()
    assert facility.requires_wristband_scan

    page.goto(f"{base}/admin/auth/user/?q=nurse")
    page.get_by_role("row", name="nurse").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Disable and sign out everywhere")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Disabled nurse")
    expect(
        page.get_by_role("row", name="nurse").get_by_alt_text("False")
    ).to_have_count(2)
    screenshot(page, "admin-disabled")
    nurse.refresh_from_db()
    assert not nurse.is_active

    theirs.reload()
    expect(theirs.get_by_label("Username")).to_be_visible()
    nurses.close()
