"""Where the facility requires it, the phone asks for the patient's wristband before a
photo goes, and a wristband of anyone else stores nothing."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from imaging.models import ClinicalImage
from imaging.safety.handoff import create_handoff
from records.models import Patient
from tests.browser.conftest import give_consent, screenshot, sign_in
from tests.factories import jpeg_bytes
from tests.imaging.helpers import stored_files

# The camera branch: headless Chromium on Linux has no BarcodeDetector and no camera,
# so the page is given stand-ins that read one wristband from a blank video stream.
FAKE_SCANNER = """
window.BarcodeDetector = class {
  detect() { return Promise.resolve([{ rawValue: %s }]); }
};
if (!navigator.mediaDevices) {
  Object.defineProperty(navigator, "mediaDevices", { value: {} });
}
navigator.mediaDevices.getUserMedia = function () {
  var canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 48;
  canvas.getContext("2d").fillRect(0, 0, 64, 48);
  return Promise.resolve(canvas.captureStream(5));
};
"""


@pytest.fixture
def wristband_patient(patient: Patient) -> Patient:
    patient.facility.requires_wristband_scan = True
    patient.facility.save()
    return patient


def _attach_photo(page: Page, tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0200.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900), color="peru"))
    page.locator("#take-photo").set_input_files(str(photo))


def test_a_wrong_wristband_is_refused_and_stores_nothing_then_the_right_one_is_stored(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    wristband_patient: Patient,
    media_root: Path,
    tmp_path: Path,
) -> None:
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Capture").click()
    step = page.locator("#wristband-step")
    expect(step).to_be_hidden()  # not asked before the patient (and facility) is known

    page.get_by_label("MRN or name").fill("Citizen")
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("button", name="Select CITIZEN, Jane").click()
    expect(step.get_by_role("heading", name="Confirm the wristband")).to_be_visible()
    expect(step).to_contain_text("Required.")
    # No BarcodeDetector here: the typed MRN is the way, and no scan button is offered.
    assert page.evaluate("'BarcodeDetector' in window") is False
    expect(page.locator("#scan-band")).to_be_hidden()

    _attach_photo(page, tmp_path)
    give_consent(page)
    send = page.get_by_role("button", name="Send to the health record")
    expect(send).to_be_disabled()
    expect(page.locator("#send-hint")).to_have_text(
        "Scan or type the wristband (Confirm the wristband, above) before sending."
    )

    wristband = page.get_by_label("Wristband barcode or MRN")
    wristband.fill("999999")
    expect(send).to_be_enabled()
    expect(page.locator("#send-hint")).to_be_hidden()
    send.click()
    mismatch = (
        f"The wristband does not match CITIZEN, Jane, MRN {wristband_patient.mrn}. "
        "Check you have the right patient."
    )
    expect(step.get_by_role("alert")).to_have_text(mismatch)
    expect(page.locator(".photo-status")).to_have_text(mismatch)
    assert not ClinicalImage.objects.exists()
    assert stored_files(media_root) == []
    step.scroll_into_view_if_needed()
    screenshot(page, "wristband-mismatch", full_page=False)

    wristband.fill(wristband_patient.mrn)
    expect(step.get_by_role("alert")).to_have_text("")
    send.click()
    expect(page.locator(".receipt")).to_contain_text("Stored in the health record")
    image = ClinicalImage.objects.get()
    assert image.patient == wristband_patient
    expect(page.locator(".receipt")).to_contain_text(str(image.public_id))


def test_the_scan_confirms_the_wristband_on_a_phone_handed_off_from_the_pc(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    wristband_patient: Patient,
    tmp_path: Path,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    scanned = f"{wristband_patient.facility.code}-{wristband_patient.mrn}"
    phone.add_init_script(FAKE_SCANNER % json.dumps(scanned))
    _, token = create_handoff(actor=nurse, patient=wristband_patient)
    page = phone.new_page()
    sign_in(page, base, "nurse")
    page.goto(f"{base}/safety/h/{token}/")
    expect(page.locator(".patient-banner")).to_contain_text("Capturing for CITIZEN")
    # The hand-off hides the search, and with it its own scan button; the step stays.
    expect(page.locator("#patient-search")).to_be_hidden()
    step = page.locator("#wristband-step")
    expect(step.get_by_role("heading", name="Confirm the wristband")).to_be_visible()

    _attach_photo(page, tmp_path)
    give_consent(page)
    send = page.get_by_role("button", name="Send to the health record")
    expect(send).to_be_disabled()
    step.get_by_role("button", name="Scan wristband").click()
    expect(page.get_by_label("Wristband barcode or MRN")).to_have_value(scanned)
    expect(page.locator("#scanner")).to_be_hidden()  # the camera is let go at once
    expect(send).to_be_enabled()
    send.click()
    expect(page.locator(".receipt")).to_contain_text("Stored in the health record")
    assert ClinicalImage.objects.get().patient == wristband_patient
