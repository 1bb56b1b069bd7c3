"""Portrait, landscape, EXIF-rotated, transparent PNG and HEIC originals all print upright,
at 300 dpi for their printed size or at their full resolution if smaller."""

import io

import pillow_heif
import pytest
from django.contrib.auth.models import User
from PIL import Image

from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.hardcopy.conftest import Embedded, embedded_images, pdf_bytes, print_one

pytestmark = pytest.mark.django_db
ORIENTATION = 0x0112


def _only_image(nurse: User, image: ClinicalImage) -> Embedded:
    [(_, embedded)] = list(embedded_images(pdf_bytes(print_one(nurse, image))))
    return embedded


def _top_and_bottom(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    picture = Image.new("RGB", size, bottom)
    picture.paste(Image.new("RGB", (size[0], size[1] // 2), top), (0, 0))
    return picture


def _colour_at(picture: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    pixel = picture.getpixel(
        (int(x * (picture.width - 1)), int(y * (picture.height - 1)))
    )
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def _near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(colour, expected, strict=True))


def test_an_upright_jpeg_within_print_resolution_is_embedded_byte_for_byte(
    nurse: User, patient: Patient
) -> None:
    data = jpeg_bytes((800, 600))
    embedded = _only_image(nurse, capture(actor=nurse, patient=patient, data=data))
    assert embedded.data == data
    assert list(embedded.filters) == ["/DCTDecode"]
    assert (embedded.width, embedded.height) == (800, 600)


def test_a_large_photo_is_reduced_but_never_below_300_dpi(
    nurse: User, patient: Patient
) -> None:
    embedded = _only_image(
        nurse, capture(actor=nurse, patient=patient, data=jpeg_bytes((6000, 4000)))
    )
    assert embedded.dpi >= 300
    assert embedded.width < 6000
    assert embedded.dpi < 310


def test_a_landscape_photo_prints_landscape(nurse: User, patient: Patient) -> None:
    embedded = _only_image(
        nurse, capture(actor=nurse, patient=patient, data=jpeg_bytes((1200, 800)))
    )
    assert embedded.width > embedded.height
    assert embedded.drawn_w_pt > embedded.drawn_h_pt


def test_a_portrait_photo_prints_portrait_at_full_resolution(
    nurse: User, patient: Patient
) -> None:
    embedded = _only_image(
        nurse, capture(actor=nurse, patient=patient, data=jpeg_bytes((900, 1200)))
    )
    assert (embedded.width, embedded.height) == (900, 1200)
    assert embedded.drawn_h_pt > embedded.drawn_w_pt


def test_an_exif_rotated_photo_prints_upright(nurse: User, patient: Patient) -> None:
    # Stored on its side (sensor landscape) with orientation 6: turn 90 degrees clockwise.
    sideways = Image.new("RGB", (1200, 800), "white")
    sideways.paste(Image.new("RGB", (600, 800), (200, 0, 0)), (0, 0))
    sideways.paste(Image.new("RGB", (600, 800), (0, 0, 200)), (600, 0))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    sideways.save(out, format="JPEG", exif=exif.tobytes())
    embedded = _only_image(
        nurse, capture(actor=nurse, patient=patient, data=out.getvalue())
    )
    assert (embedded.width, embedded.height) == (800, 1200)
    upright = embedded.decoded()
    # Rotating clockwise brings the left (red) half to the top.
    assert _near(_colour_at(upright, 0.5, 0.1), (200, 0, 0))
    assert _near(_colour_at(upright, 0.5, 0.9), (0, 0, 200))


def test_a_transparent_png_prints_on_white(nurse: User, patient: Patient) -> None:
    picture = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    picture.paste(Image.new("RGBA", (200, 300), (0, 120, 0, 255)), (0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    embedded = _only_image(
        nurse, capture(actor=nurse, patient=patient, data=out.getvalue())
    )
    assert (embedded.width, embedded.height) == (400, 300)
    flat = embedded.decoded()
    assert _near(_colour_at(flat, 0.25, 0.5), (0, 120, 0))
    assert _near(_colour_at(flat, 0.75, 0.5), (255, 255, 255))


def test_a_heic_photo_prints(nurse: User, patient: Patient) -> None:
    out = io.BytesIO()
    heif = pillow_heif.from_pillow(_top_and_bottom((640, 480), "#c80000", "#0000c8"))
    heif.save(out, quality=90)
    image = capture(actor=nurse, patient=patient, data=out.getvalue())
    assert image.content_type in ("image/heic", "image/heif")
    embedded = _only_image(nurse, image)
    assert (embedded.width, embedded.height) == (640, 480)
    decoded = embedded.decoded()
    assert _near(_colour_at(decoded, 0.5, 0.2), (200, 0, 0))
    assert _near(_colour_at(decoded, 0.5, 0.8), (0, 0, 200))
