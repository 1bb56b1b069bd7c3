"""Preparing an original for print: upright, at 300 dpi for its printed size, as JPEG.

A JPEG that is already upright and no larger than print resolution is embedded exactly as
stored (no decode, no re-encode: the print shows the original's own pixels). Anything else
is decoded once, turned upright (EXIF orientation), flattened onto white, reduced to 300
dpi at its printed size if larger, and encoded as a fresh JPEG without metadata.
"""

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageOps

import imaging.validation  # noqa: F401  (registers the HEIF opener with Pillow)
from imaging.services.derivatives import _to_rgb

PRINT_DPI = 300
POINTS_PER_INCH = 72
ORIENTATION_TAG = 0x0112
# Orientations 5-8 turn the picture a quarter: width and height swap.
QUARTER_TURNS = (5, 6, 7, 8)
JPEG_QUALITY = 90


@dataclass(frozen=True)
class Picture:
    jpeg: bytes
    width: int
    height: int
    as_is: bool


def print_pixels(width: int, height: int, box: tuple[float, float]) -> tuple[int, int]:
    """Pixels needed for 300 dpi when a width x height picture is fitted into box (points)."""
    scale = min(box[0] / width, box[1] / height)
    printed_w, printed_h = width * scale, height * scale
    return (
        math.ceil(printed_w / POINTS_PER_INCH * PRINT_DPI),
        math.ceil(printed_h / POINTS_PER_INCH * PRINT_DPI),
    )


def prepare(original: bytes, box: tuple[float, float]) -> Picture:
    """The picture to embed for an original printed to fit box (width, height in points)."""
    with Image.open(io.BytesIO(original)) as im:
        orientation = im.getexif().get(ORIENTATION_TAG, 1)
        width, height = im.size
        if orientation in QUARTER_TURNS:
            width, height = height, width
        target = print_pixels(width, height, box)
        upright = orientation in (1, None)
        small_enough = width <= target[0] and height <= target[1]
        if im.format == "JPEG" and im.mode in ("RGB", "L") and upright and small_enough:
            return Picture(original, width, height, as_is=True)
        # Decode a large JPEG at a reduced scale that still covers the print size.
        sensor = target if orientation not in QUARTER_TURNS else target[::-1]
        im.draft("RGB", sensor)
        turned = ImageOps.exif_transpose(im)
        flat = _to_rgb(turned)
    if flat.width > target[0] or flat.height > target[1]:
        # Exactly the rounded-up target, so the print never falls below 300 dpi.
        flat = flat.resize(target, Image.Resampling.LANCZOS)
    return Picture(_encode(flat), flat.width, flat.height, as_is=False)


def _encode(im: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh image carries no EXIF, GPS or comment segments from the original.
    clean = Image.new("RGB", im.size)
    clean.paste(im)
    clean.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
