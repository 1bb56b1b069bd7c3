"""A legal officer opens a matter, exports it, watches progress reach 100%, downloads it."""

from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from imaging.models import ClinicalImage
from legal.holds import is_under_hold
from legal.verify import verify_bundle
from records.models import Patient
from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot, sign_in


def test_legal_officer_opens_a_matter_exports_and_downloads_the_bundle(
    live_server: object,
    context: BrowserContext,
    legal_officer: User,
    patient: Patient,
    wound_photo: ClinicalImage,
    tmp_path: Path,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, base, "legal.officer")
    page.goto(f"{base}/legal/matters/new/")
    page.get_by_label("Reference").fill("NSWSC 2026/777")
    page.get_by_label("Kind").select_option("litigation")
    page.get_by_label("Court or body").fill("Supreme Court of NSW")
    page.get_by_label("MRN or name").fill("citizen")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("checkbox", name="CITIZEN, Jane", exact=False).check()
    page.get_by_role("button", name="Choose images of CITIZEN, Jane").click()
    expect(page.get_by_role("list", name="Images to choose from")).to_contain_text(
        str(wound_photo.public_id)
    )
    expect(
        page.get_by_role("checkbox", name="CITIZEN, Jane", exact=False)
    ).to_be_checked()
    assert serious_violations(page) == []
    screenshot(page, "legal-matter-form")
    page.get_by_role("button", name="Open matter and place hold").click()
    expect(page.get_by_role("heading", name="NSWSC 2026/777")).to_be_visible()
    expect(page.locator("#holds-h + ul")).to_contain_text("active since")
    assert is_under_hold(wound_photo)
    screenshot(page, "legal-matter-hold")
    matter_url = page.url

    page.goto(f"{base}/legal/holds/")
    row = page.get_by_role("row", name="NSWSC 2026/777")
    expect(row).to_contain_text("by legal.officer")
    expect(row.get_by_role("button", name="Release hold")).to_be_visible()
    screenshot(page, "legal-holds")
    page.goto(matter_url)

    page.get_by_label("Party prefix").fill("RPA")
    page.get_by_role("button", name="Start export").click()
    expect(page.locator("#export-bar")).to_have_attribute("value", "100", timeout=30000)
    expect(page.get_by_role("status")).to_contain_text("100%")
    expect(page.get_by_role("status")).to_contain_text("1 of 1 images done")
    screenshot(page, "legal-export-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download bundle").click()
    saved = tmp_path / "bundle.zip"
    info.value.save_as(saved)
    assert "valid" in verify_bundle(saved)
