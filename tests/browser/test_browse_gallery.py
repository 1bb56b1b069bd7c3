"""A ward nurse opens a patient, filters the gallery, opens an image and zooms, in Chromium."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from records.models import Patient
from tests.browser.conftest import screenshot, sign_in
from tests.factories import jpeg_bytes
from tests.records.browsing import photo


def gallery_of_three(nurse: User, patient: Patient) -> None:
    start = datetime(2026, 3, 2, 23, tzinfo=UTC)
    for n, (site, colour) in enumerate(
        [("Left forearm", "salmon"), ("Sacrum", "teal"), ("Left forearm", "plum")]
    ):
        photo(
            actor=nurse,
            patient=patient,
            body_site=site,
            captured_at=start + timedelta(days=n),
            data=jpeg_bytes(size=(800 + n, 600), color=colour),
        )


def open_patient_and_filter(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "nurse")
    page.get_by_role("link", name="CITIZEN, Jane").click()
    expect(page.get_by_role("heading", name="CITIZEN, Jane")).to_be_visible()
    expect(page.locator(".gallery img")).to_have_count(3)
    page.get_by_text("Filter images").click()
    page.get_by_label("Body site").select_option("Left forearm")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".gallery img")).to_have_count(2)


def test_nurse_filters_the_gallery_opens_an_image_and_zooms(
    live_server: object, page: Page, nurse: User, patient: Patient
) -> None:
    gallery_of_three(nurse, patient)
    open_patient_and_filter(page, live_server.url)  # type: ignore[attr-defined]
    screenshot(page, "gallery")
    page.locator(".gallery a").first.click()
    expect(page.get_by_role("heading", name="Provenance")).to_be_visible()
    expect(page.get_by_text("Personal mobile device")).to_be_visible()
    preview = page.locator("#zoom-image")
    expect(preview).to_be_visible()
    width_before = preview.bounding_box()["width"]  # type: ignore[index]
    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator("#zoom-level")).to_have_text("150%")
    assert preview.bounding_box()["width"] > width_before  # type: ignore[index]
    screenshot(page, "image-page")


def test_zoom_works_from_the_keyboard_on_a_phone(
    live_server: object, phone: BrowserContext, nurse: User, patient: Patient
) -> None:
    gallery_of_three(nurse, patient)
    page = phone.new_page()
    open_patient_and_filter(page, live_server.url)  # type: ignore[attr-defined]
    screenshot(page, "gallery-phone")
    page.locator(".gallery a").first.click()
    page.locator("#zoom-frame").focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    expect(page.locator("#zoom-level")).to_have_text("200%")
    page.keyboard.press("0")
    expect(page.locator("#zoom-level")).to_have_text("100%")
    screenshot(page, "image-page-phone")
