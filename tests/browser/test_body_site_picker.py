"""The coded body-site picker: search the list, or tap the front/back body diagram."""

from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from imaging.models import ClinicalImage
from records.models import Patient
from tests.browser.conftest import give_consent, screenshot, sign_in
from tests.factories import jpeg_bytes

KNEE = "72696002"  # SNOMED CT knee region structure


def open_capture_for_jane(page: Page, base_url: str, tmp_path: Path) -> None:
    sign_in(page, base_url, "nurse")
    page.get_by_role("link", name="Capture").click()
    page.get_by_label("MRN or name").fill("Citizen")
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("button", name="Select CITIZEN, Jane").click()
    photo = tmp_path / "knee.jpg"
    photo.write_bytes(jpeg_bytes(size=(1000, 750), color="tan"))
    page.locator("#choose-photo").set_input_files(str(photo))


def test_nurse_searches_the_list_then_taps_the_back_of_the_knee_and_the_record_is_coded(
    live_server: object, page: Page, nurse: User, patient: Patient, tmp_path: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    open_capture_for_jane(page, base, tmp_path)
    picker = page.locator("[data-bodysite-picker]")
    coded = page.get_by_label("Coded site (SNOMED CT)")

    # Typing narrows the list to the matching sites and chooses the first.
    page.get_by_label("Search body sites").fill("knee")
    expect(page.get_by_text("Chosen: Knee region")).to_be_visible()
    expect(coded).to_have_value(KNEE)
    shown = coded.locator("option:not([hidden])")
    expect(shown).to_have_text(["Not coded", "Knee region"])
    page.get_by_label("Side").select_option("right")
    page.get_by_role("combobox", name="View").select_option("anterior")
    screenshot(page, "bodysite-picker-list", of=picker)

    # Tapping the diagram: the spot behind the right knee on the back view chooses the
    # site and the posterior view; the tapped spot is marked.
    page.get_by_label("Search body sites").fill("")
    page.get_by_role("button", name="Lower leg (back)").click()
    expect(page.get_by_text("Chosen: Lower leg")).to_be_visible()
    back_of_knee = page.get_by_role("button", name="Knee region (back)")
    back_of_knee.click()
    expect(page.get_by_text("Chosen: Knee region")).to_be_visible()
    expect(coded).to_have_value(KNEE)
    expect(page.get_by_role("combobox", name="View")).to_have_value("posterior")
    expect(back_of_knee).to_have_class("spot chosen")
    expect(page.locator(".spot.chosen")).to_have_count(2)  # front and back knee spots
    for side in ("Front", "Back"):
        expect(picker.locator(".bodymap-caption", has_text=side)).to_be_visible()
    screenshot(page, "bodysite-picker-diagram", of=picker)

    give_consent(page)
    page.get_by_role("button", name="Send to the health record").click()
    expect(page.locator(".receipt")).to_contain_text("Stored in the health record")

    # The image page shows the coded term, its SNOMED CT code, the side and the view.
    page.goto(f"{base}/")
    page.get_by_role("link", name="CITIZEN, Jane").click()
    page.locator(".gallery a").first.click()
    expect(page.get_by_role("heading", name="Right knee region")).to_be_visible()
    site = page.locator("section", has=page.get_by_role("heading", name="Body site"))
    expect(site).to_contain_text("Knee region (SNOMED CT 72696002)")
    expect(site).to_contain_text("Right")
    expect(site).to_contain_text("Back (posterior)")
    screenshot(page, "image-page-coded-site", of=site)
    image = ClinicalImage.objects.get()
    assert (image.body_site_code, image.laterality, image.view) == (
        KNEE,
        "right",
        "posterior",
    )


def test_tapping_an_intimate_site_on_a_phone_proposes_sensitive(
    live_server: object,
    phone: BrowserContext,
    nurse: User,
    patient: Patient,
    tmp_path: Path,
) -> None:
    page = phone.new_page()
    open_capture_for_jane(page, live_server.url, tmp_path)  # type: ignore[attr-defined]
    sensitivity = page.get_by_label("Sensitive image")
    expect(sensitivity).to_have_value("")
    page.get_by_role("button", name="Buttock (back)").tap()
    expect(page.get_by_text("Chosen: Buttock")).to_be_visible()
    expect(sensitivity).to_have_value("intimate")
    screenshot(page, "bodysite-picker-phone", of=page.locator("#capture-details"))
    give_consent(page)
    page.get_by_role("button", name="Send to the health record").click()
    expect(page.locator(".receipt")).to_contain_text("Stored in the health record")
    image = ClinicalImage.objects.get()
    assert image.body_site_code == "46862004"
    assert image.sensitivity == "intimate"
