"""A nurse on a phone finds her patient, attaches a photo, confirms and gets a receipt."""

import hashlib
import re
from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from imaging.models import ClinicalImage
from records.models import Patient
from tests.browser.conftest import give_consent, screenshot, sign_in
from tests.data import corpus


def test_nurse_captures_a_photo_on_a_phone_and_sees_the_receipt(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
) -> None:
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(corpus.SAMPLES["gps-and-comment.jpg"].data)
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Capture").click()

    page.get_by_label("MRN or name").fill(patient.mrn)
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("button", name="Select CITIZEN, Jane").click()
    expect(page.get_by_text(f"MRN {patient.mrn}")).to_be_visible()

    page.locator("#choose-photo").set_input_files(str(photo))
    expect(page.get_by_role("textbox", name="Device")).to_have_value("Apple iPhone 15")
    expect(page.get_by_label("Captured at (facility time)")).to_have_value(
        re.compile(r"^2025-03-04T09:15")
    )
    # The coded picker: typing narrows the list; tapping the heel on the back diagram
    # chooses it (and the posterior view).
    page.get_by_label("Search body sites").fill("heel")
    page.get_by_role("button", name="Heel (back)").click()
    expect(page.get_by_text("Chosen: Heel")).to_be_visible()
    page.get_by_label("Side").select_option("left")
    give_consent(page)
    page.get_by_role("button", name="Send to the health record").click()

    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Stored in the health record")
    image = ClinicalImage.objects.get()
    expect(receipt).to_contain_text(str(image.public_id))
    expect(receipt).to_contain_text(hashlib.sha256(photo.read_bytes()).hexdigest())
    expect(receipt).to_contain_text("Delete it from your device")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    assert image.body_site_code == "76853006"  # SNOMED CT heel structure
    assert image.body_site == "Left heel"
    assert image.view == "posterior"
    assert image.upload_channel == "web"
    assert image.idempotency_key
    screenshot(page, "capture-receipt-phone")


def test_a_refused_file_shows_why_and_stores_nothing(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
) -> None:
    fake = tmp_path / "scan.jpg"
    fake.write_bytes(corpus.SAMPLES["letter.jpg"].data)
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/capture/")  # type: ignore[attr-defined]
    page.get_by_label("MRN or name").fill("Citizen")
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("button", name="Select CITIZEN, Jane").click()
    page.locator("#take-photo").set_input_files(str(fake))
    give_consent(page)
    page.get_by_role("button", name="Send to the health record").click()
    expect(page.locator(".photo-status")).to_contain_text("not an image we can accept")
    assert not ClinicalImage.objects.exists()
