"""A ward nurse at a paper-record hospital prints a new photo and confirms it is filed."""

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from audit.models import AuditEvent
from hardcopy import services
from hardcopy.models import HardCopy
from records.models import Facility, Patient
from tests.browser.conftest import screenshot, sign_in
from tests.factories import capture


def test_nurse_finds_the_copy_in_her_wards_queue_and_confirms_filing(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    facility: Facility,
) -> None:
    facility.electronic_record = False
    facility.save()
    capture(actor=nurse, patient=patient)  # committed: the paper copy renders at once
    copy = HardCopy.objects.get()
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Print queue").click()
    page.get_by_role("link", name="Ward 5A Surgical").click()
    expect(page.get_by_text("CITIZEN, Jane")).to_be_visible()
    expect(page.get_by_role("button", name="Open to print")).to_be_visible()
    services.print_hard_copy(actor=nurse, hard_copy=copy)
    page.reload()
    page.get_by_role("button", name="I filed it in the paper record").click()
    expect(page.get_by_role("status")).to_contain_text("Filed")
    screenshot(page, "print-queue-phone")
    copy.refresh_from_db()
    assert copy.status == "filed"
    assert AuditEvent.objects.get(action="filed").actor == nurse
