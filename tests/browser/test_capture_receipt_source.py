"""The receipt says whether a copy stays on the phone: camera capture or chosen file."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from records.models import Patient
from tests.browser.conftest import give_consent, sign_in
from tests.factories import jpeg_bytes


@pytest.mark.parametrize(
    ("button", "said", "not_said"),
    [
        ("#take-photo", "not saved to your camera roll", "Delete it from your device"),
        (
            "#choose-photo",
            "Delete it from your device",
            "not saved to your camera roll",
        ),
    ],
)
def test_the_receipt_says_which_case_applies(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
    button: str,
    said: str,
    not_said: str,
) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes())
    page = phone.new_page()
    sign_in(page, live_server.url, "nurse")  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/capture/")  # type: ignore[attr-defined]
    page.get_by_label("MRN or name").fill(patient.mrn)
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("button", name="Select CITIZEN, Jane").click()
    page.locator(button).set_input_files(str(photo))
    give_consent(page)
    page.get_by_role("button", name="Send to the health record").click()
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Stored in the health record")
    expect(receipt).to_contain_text(said)
    expect(receipt).not_to_contain_text(not_said)
    # The hash is folded: its first characters show, the rest on request.
    expect(receipt.locator("details")).not_to_have_attribute("open", "")
