"""A ward PC hands capture to the nurse's phone with a QR code; the PC lists arrivals live.

Two contexts of one Chromium: the desktop (ward PC) and the phone (mobile viewport), each
with its own session, as two real devices would have.
"""

import subprocess
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient, Ward
from tests.browser.conftest import give_consent, screenshot, sign_in
from tests.factories import PASSWORD, jpeg_bytes, staff_on

REFUSED = "This capture link has expired, was already used, or is not yours."


def make_link(desktop: Page, base_url: str) -> str:
    """On the patient's page, ask for a phone link; return the link the page shows."""
    desktop.goto(f"{base_url}/")
    desktop.get_by_role("link", name="CITIZEN, Jane").click()
    desktop.get_by_role("button", name="Take photos with my phone").click()
    expect(
        desktop.get_by_role("heading", name="Take photos with your phone")
    ).to_be_visible()
    expect(
        desktop.get_by_role("img", name="QR code of the capture link")
    ).to_be_visible()
    desktop.get_by_text("Can't scan? Type the link").click()
    link = desktop.locator(".mono").inner_text().strip()
    assert link.startswith(f"{base_url}/safety/h/")
    return link


def scan_qr(desktop: Page, folder: Path) -> str:
    """Decode the QR code as the browser drew it (zbarimg, a real barcode reader)."""
    picture = folder / "qr.png"
    desktop.get_by_role("img", name="QR code of the capture link").screenshot(
        path=str(picture)
    )
    read = subprocess.run(  # noqa: S603 - a fixed command on our own screenshot
        ["zbarimg", "--quiet", "--raw", str(picture)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return read.stdout.strip()


def sign_in_after_redirect(page: Page, username: str) -> None:
    """The phone was sent to the sign-in page; sign in there and follow on."""
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def test_pc_hands_capture_to_the_phone_and_lists_the_photo_live(
    live_server: object,
    page: Page,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, "nurse")
    link = make_link(page, base)
    expect(page.locator(".patient-banner")).to_contain_text(f"MRN {patient.mrn}")
    expect(page.locator("#handoff-status")).to_have_text("Waiting for the phone…")
    expires = timezone.now() + timedelta(minutes=10)
    local = timezone.localtime(expires, ZoneInfo(patient.facility.time_zone))
    expect(page.locator("#handoff-expiry")).to_contain_text(f"{local:%d/%m/%Y}")
    screenshot(page, "handoff-qr")
    # What a phone's camera reads off the screen is the link the page spells out.
    assert scan_qr(page, tmp_path) == link

    mobile = phone.new_page()
    mobile.goto(link)
    sign_in_after_redirect(mobile, "nurse")
    assert mobile.url.startswith(f"{base}/capture/")
    banner = mobile.locator(".patient-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Capturing for CITIZEN, Jane")
    expect(banner).to_contain_text(f"MRN {patient.mrn}")
    assert patient.date_of_birth is not None
    expect(banner).to_contain_text(f"born {patient.date_of_birth:%d/%m/%Y}")
    expect(mobile.get_by_text("Patient: CITIZEN, Jane")).to_be_visible()
    screenshot(mobile, "handoff-phone-bound", full_page=False)

    photo = tmp_path / "IMG_0101.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900), color="peru"))
    mobile.locator("#take-photo").set_input_files(str(photo))
    mobile.get_by_label("Search body sites").fill("forearm")
    expect(mobile.get_by_text("Chosen: Forearm")).to_be_visible()
    mobile.get_by_label("Side").select_option("right")
    give_consent(mobile)
    mobile.get_by_role("button", name="Send to the health record").click()
    expect(mobile.locator(".receipt")).to_contain_text("Stored in the health record")
    screenshot(mobile, "handoff-phone-receipt")

    # Back on the PC, with no reload: the page polls and lists the photo.
    arrived = page.locator("#handoff-arrivals li")
    expect(arrived).to_have_count(1, timeout=15_000)
    expect(arrived).to_contain_text("Photo received")
    expect(page.locator("#handoff-status")).to_have_text("1 photo received.")
    screenshot(page, "handoff-arrivals")
    image = ClinicalImage.objects.get()
    assert image.patient == patient
    assert image.body_site == "Right forearm"
    assert set(
        AuditEvent.objects.filter(
            action__in=["handoff_created", "handoff_opened"]
        ).values_list("action", flat=True)
    ) == {"handoff_created", "handoff_opened"}

    # The same link, opened again, is refused in words the nurse can act on.
    mobile.goto(link)
    expect(mobile.get_by_role("heading", name="Capture link refused")).to_be_visible()
    expect(mobile.get_by_role("alert")).to_contain_text(REFUSED)
    expect(mobile.get_by_text("Make a new one on the computer.")).to_be_visible()


def test_a_colleague_cannot_use_the_nurses_link_but_the_nurse_still_can(
    live_server: object,
    browser: Browser,
    page: Page,
    phone: BrowserContext,
    nurse: User,
    ward: Ward,
    patient: Patient,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    staff_on(ward, username="colleague")
    sign_in(page, base, "nurse")
    link = make_link(page, base)

    colleagues_phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        theirs = colleagues_phone.new_page()
        sign_in(theirs, base, "colleague")
        theirs.goto(link)
        expect(theirs.get_by_role("alert")).to_contain_text(REFUSED)
        theirs.goto(f"{base}/capture/")
        expect(theirs.locator(".patient-banner")).to_have_count(0)
        screenshot(theirs, "handoff-refused-phone")
    finally:
        colleagues_phone.close()
    # The attempt is on the record for the privacy officer.
    attempt = AuditEvent.objects.get(action="handoff_refused")
    assert attempt.actor_username == "colleague"
    assert attempt.detail["why"] == "another_users_link"

    # The refusal did not spend the link: its owner opens it as meant.
    mobile = phone.new_page()
    mobile.goto(link)
    sign_in_after_redirect(mobile, "nurse")
    expect(mobile.locator(".patient-banner")).to_contain_text("Capturing for CITIZEN")
    assert not AuditEvent.objects.filter(
        action="handoff_opened", actor_username="colleague"
    ).exists()


def test_the_pc_stops_waiting_once_the_link_has_expired_and_offers_a_new_one(
    live_server: object, page: Page, nurse: User, patient: Patient
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, "nurse")
    first = make_link(page, base)
    status = page.locator("#handoff-status")
    polls: list[str] = []

    def count_poll(request: Request) -> None:
        if "/arrivals/" in request.url:
            polls.append(request.url)

    page.on("request", count_poll)
    # Past the expiry and the grace for uploads already under way: nothing can come.
    with time_machine.travel(timezone.now() + timedelta(minutes=13)):
        expect(status).to_have_text(
            "This link has expired; make a new one.", timeout=15_000
        )
        renew = page.get_by_role("button", name="Make a new link")
        expect(renew).to_be_visible()
        expect(
            page.get_by_role("img", name="QR code of the capture link")
        ).to_have_count(0)
        screenshot(page, "handoff-expired")
        seen = len(polls)
        page.wait_for_timeout(7_000)  # two polling periods
        assert len(polls) == seen, "the page kept polling after the link expired"
        renew.click()
        expect(status).to_have_text("Waiting for the phone…")
    page.get_by_text("Can't scan? Type the link").click()
    assert page.locator(".mono").inner_text().strip() != first
