"""A rendered page matches the stored reference picture, so layout regressions fail.

The page is rasterised with poppler's pdftoppm (Debian poppler-utils; `make system-deps`)
at 50 dpi in greys and compared with tests/hardcopy/reference/single_page.png. Every field
that would change per run (ids, hash, times, names) is fixed here. Fonts differ a little
between machines, so the comparison allows small differences; a moved or missing block
changes thousands of pixels. To accept a deliberate layout change, run this test once with
CUSTODIAN_UPDATE_HARDCOPY_REFERENCE=1 and commit the new picture.
"""

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from django.contrib.auth.models import User
from PIL import Image, ImageChops, ImageDraw

from hardcopy import pdf
from hardcopy.pictures import prepare
from hardcopy.rendering import image_lines
from imaging.models import ClinicalImage

REFERENCE = Path(__file__).parent / "reference" / "single_page.png"
FIXED = datetime(2026, 3, 2, 23, 45, tzinfo=UTC)
MEAN_TOLERANCE = 2.0
CHANGED_TOLERANCE = 0.01


def _photo() -> bytes:
    """A deterministic, high-contrast picture: shifted or scaled, it differs a lot."""
    picture = Image.new("RGB", (1200, 900), "white")
    draw = ImageDraw.Draw(picture)
    for n in range(0, 1200, 150):
        draw.rectangle((n, 0, n + 74, 900), fill=(20, 20, 20))
    draw.ellipse((350, 200, 850, 700), fill=(200, 40, 40))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _image() -> ClinicalImage:
    clinician = User(username="nurse", first_name="Nora", last_name="Nightingale")
    # Unsaved: the photographer is named, as for a clinician without an account here.
    return ClinicalImage(
        public_id=UUID("7d1f4b1e-0c8a-4a55-9a3e-2f6e1f0c9b11"),
        sha256="3f0c" * 16,
        captured_at=FIXED,
        captured_by_name="Nora Nightingale",
        capture_mode="personal_mobile",
        device="Pixel 8",
        uploaded_by=clinician,
        uploaded_at=FIXED,
        upload_channel="web",
        body_site="Left forearm",
        body_site_code="14975008",
        laterality="left",
        view="Anterior",
        consent_kind="written",
        consent_for_teaching=True,
    )


def _render_page(folder: Path) -> Image.Image:
    photo = _photo()
    image = _image()
    sheet = pdf.ImageSheet(
        record_id=str(image.public_id),
        sha16=image.sha256[:16],
        qr_payload=f"CUSTODIAN:IMAGE:{image.public_id}",
        lines=image_lines(image, "Australia/Sydney"),
        picture=lambda box: prepare(photo, box),
    )
    header = pdf.PageHeader(
        patient_name="CITIZEN, Jane",
        mrn="500123",
        date_of_birth="14/07/1981",
        facility="Royal Harbour Hospital",
        ward="Ward 5A Surgical",
        printed_by="Nora Nightingale",
        printed_on="03/03/2026 10:45 AEDT",
    )
    path = folder / "page.pdf"
    pdf.render_file(
        str(path),
        header=header,
        sheets=[sheet],
        layout="single",
        first_page=1,
        total_pages=1,
        title="layout",
    )
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: run `make system-deps` (poppler-utils)"
    command = [pdftoppm, "-r", "50", "-gray", "-png", "-singlefile"]
    subprocess.run([*command, str(path), str(folder / "page")], check=True)  # noqa: S603
    return Image.open(folder / "page.png").convert("L")


def test_a_single_image_page_matches_the_reference_layout(tmp_path: Path) -> None:
    page = _render_page(tmp_path)
    if os.environ.get("CUSTODIAN_UPDATE_HARDCOPY_REFERENCE") == "1":
        page.save(REFERENCE, optimize=True)
    reference = Image.open(REFERENCE).convert("L")
    assert page.size == reference.size
    difference = ImageChops.difference(page, reference)
    pixels = page.width * page.height
    histogram = difference.histogram()
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    changed = sum(histogram[64:]) / pixels
    assert mean <= MEAN_TOLERANCE, f"mean difference {mean:.2f}"
    assert changed <= CHANGED_TOLERANCE, f"{changed:.2%} of pixels changed"
