"""A sensitive image is blurred for everyone until revealed with a reason, for one session.

The blur is made by the server (imaging.safety.sensitive.for_display): the test reads the
pixels the browser actually drew, so what it checks is what the nurse sees.
"""

import io

from django.contrib.auth.models import User
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.browser.conftest import screenshot, sign_in
from tests.records.browsing import photo

# Standard deviation of the brightness of the pixels the browser drew for an <img>.
CONTRAST = """img => img.decode().then(() => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0, sum = 0, squares = 0;
  for (let i = 0; i < px.length; i += 4) {
    const y = (px[i] + px[i + 1] + px[i + 2]) / 3;
    n += 1; sum += y; squares += y * y;
  }
  const mean = sum / n;
  return Math.sqrt(squares / n - mean * mean);
})"""
SHARP = 80  # a black-and-white chequerboard drawn as it is: about 127
BLURRED = 20  # the same after the server's blur: a flat grey


def chequerboard(square: int = 20) -> bytes:
    """Fine detail (like skin texture) that the blur must wipe out."""
    board = Image.new("L", (800, 600), 255)
    for x in range(0, 800, square):
        for y in range(0, 600, square):
            if (x // square + y // square) % 2:
                board.paste(0, (x, y, x + square, y + square))
    out = io.BytesIO()
    board.convert("RGB").save(out, format="JPEG", quality=95)
    return out.getvalue()


def contrast(img: Locator) -> float:
    return float(img.evaluate(CONTRAST))


def open_gallery(page: Page, base_url: str) -> Locator:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="CITIZEN, Jane").click()
    thumb = page.locator(".gallery img.thumb")
    expect(thumb).to_have_count(1)
    return thumb


def test_sensitive_image_is_blurred_until_revealed_with_a_reason_for_the_session(
    live_server: object, browser: Browser, page: Page, nurse: User, patient: Patient
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    image = photo(
        actor=nurse,
        patient=patient,
        body_site="Perineum",
        sensitivity=ClinicalImage.Sensitivity.INTIMATE,
        data=chequerboard(),
    )
    sign_in(page, base, "nurse")
    thumb = open_gallery(page, base)
    expect(page.locator(".gallery .badge")).to_have_text("Sensitive")
    assert contrast(thumb) < BLURRED
    screenshot(page, "sensitive-gallery")

    page.locator(".gallery a").first.click()
    preview = page.locator("#zoom-image")
    assert contrast(preview) < BLURRED
    notice = page.locator(".notice")
    expect(notice).to_contain_text("Sensitive image (intimate region)")
    download = page.get_by_role("link", name="Download original")
    expect(download).to_have_count(0)  # the original would bypass the blur
    reveal = page.get_by_role("button", name="Reveal for this session")
    reason = page.get_by_label("Why do you need to see it?")

    # No reason: the browser will not send the form and says what is missing.
    reveal.click()
    assert reason.evaluate("field => field.validationMessage")
    expect(notice).to_be_visible()
    # Only spaces: the server refuses and says why; still blurred, nothing recorded.
    reason.fill("   ")
    reveal.click()
    expect(page.locator(".messages")).to_contain_text(
        "Say why you need to see this image."
    )
    assert contrast(page.locator("#zoom-image")) < BLURRED
    assert not AuditEvent.objects.filter(action="reveal_sensitive").exists()
    page.get_by_label("Why do you need to see it?").fill(
        "Wound review before dressing change"
    )
    screenshot(page, "sensitive-reveal")
    page.get_by_role("button", name="Reveal for this session").click()

    expect(page.locator(".notice")).to_have_count(0)
    assert contrast(page.locator("#zoom-image")) > SHARP
    expect(download).to_be_visible()
    screenshot(page, "sensitive-revealed")
    event = AuditEvent.objects.get(action="reveal_sensitive")
    assert event.reason == "Wound review before dressing change"
    assert event.actor_username == "nurse"
    assert event.object_id == str(image.public_id)

    # It stays revealed for this session: the gallery now draws it sharp.
    assert contrast(open_gallery(page, base)) > SHARP

    # A fresh session (another browser, the same nurse) sees it blurred again.
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        again = fresh.new_page()
        sign_in(again, base, "nurse")
        assert contrast(open_gallery(again, base)) < BLURRED
        again.locator(".gallery a").first.click()
        expect(
            again.get_by_role("button", name="Reveal for this session")
        ).to_be_visible()
        assert contrast(again.locator("#zoom-image")) < BLURRED
    finally:
        fresh.close()
    assert AuditEvent.objects.filter(action="reveal_sensitive").count() == 1
