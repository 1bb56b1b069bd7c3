"""Deciding, by decoding and not by name, whether bytes are an image we accept.

Pillow hazards (DESIGN.md §7): a decompression bomb between 1x and 2x MAX_IMAGE_PIXELS
only warns, so the pixel limit is checked explicitly and the warning made an error;
formats are restricted at open; verify() checks little for JPEG, so we decode for real.
"""

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import pillow_heif
from django.conf import settings
from PIL import Image, ImageFile, UnidentifiedImageError

from imaging.exceptions import UnsupportedImage

pillow_heif.register_heif_opener()
# A truncated file is damaged evidence, not an image: never accept it silently.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ACCEPTED_FORMATS = ("JPEG", "PNG", "HEIF", "WEBP", "TIFF")
# Pillow's JPEG opener reports a JPEG carrying an MPF index (phones' HDR gain maps, depth
# maps, multi-picture files) as "MPO": it is still a JPEG and must be accepted as one.
DECODED_FORMATS = (*ACCEPTED_FORMATS, "MPO")
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/heif": ".heif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
}
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}

EXIF_IFD = 0x8769
TAG_MAKE, TAG_MODEL = 0x010F, 0x0110
TAG_DATETIME_ORIGINAL, TAG_OFFSET_ORIGINAL = 0x9003, 0x9011


@dataclass(frozen=True)
class ImageFacts:
    content_type: str
    width: int
    height: int
    exif_captured_at: datetime | None
    exif_device: str


def _content_type(fmt: str, head: bytes) -> str:
    if fmt == "HEIF":
        return "image/heic" if head[8:12] in HEIC_BRANDS else "image/heif"
    return CONTENT_TYPES[fmt]


def _exif_datetime(exif: Image.Exif) -> datetime | None:
    sub = exif.get_ifd(EXIF_IFD)
    raw = sub.get(TAG_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        # EXIF times are naive local camera time; the caller applies the facility's zone.
        stamp = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    offset = sub.get(TAG_OFFSET_ORIGINAL)
    if isinstance(offset, str):
        try:
            return datetime.fromisoformat(stamp.isoformat() + offset.strip("\x00 "))
        except ValueError:
            return stamp
    return stamp


def _exif_device(exif: Image.Exif) -> str:
    parts = [str(exif.get(tag, "")).strip("\x00 ") for tag in (TAG_MAKE, TAG_MODEL)]
    make, model = parts
    # Phones often repeat the make in the model ("Apple iPhone 15").
    if make and model.lower().startswith(make.lower()):
        make = ""
    return " ".join(p for p in (make, model) if p)[:200]


def _named_refusal(head: bytes) -> str:
    """A format people do send and we refuse, named from its signature ("" if none).

    Naming it tells the sender what to change, instead of calling the file damaged.
    """
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    # BMP: "BM", the file size, then four reserved bytes that are zero.
    if head.startswith(b"BM") and head[6:10] == b"\0\0\0\0":
        return "BMP"
    return ""


def inspect_image(source: IO[bytes]) -> ImageFacts:
    """Decode the whole image and return what we need to know, or raise UnsupportedImage."""
    max_pixels = settings.CUSTODIAN_MAX_PIXELS
    # Pillow warns (not refuses) between 1x and 2x this; the filter below makes it an error.
    Image.MAX_IMAGE_PIXELS = max_pixels
    source.seek(0)
    head = source.read(16)
    source.seek(0)
    refusal = (
        "This file is not an image we can accept (JPEG, PNG, HEIC/HEIF, WebP or TIFF)."
    )
    named = _named_refusal(head)
    if named:
        raise UnsupportedImage(
            f"{named} is not accepted: send a JPEG, PNG, HEIC/HEIF, WebP or TIFF.",
            field="file",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source, formats=ACCEPTED_FORMATS) as im:
                width, height = im.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise UnsupportedImage(
                        f"The image is {width}x{height} pixels, more than the "
                        f"{max_pixels:,}-pixel limit.",
                        field="file",
                    )
                fmt = im.format or ""
                exif = im.getexif()
                im.load()
        except UnsupportedImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnsupportedImage(
                "The image declares more pixels than allowed.", field="file"
            ) from exc
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
        ) as exc:
            raise UnsupportedImage(
                f"{refusal} It could not be decoded: it may be damaged or truncated.",
                field="file",
            ) from exc
    if fmt not in DECODED_FORMATS:
        raise UnsupportedImage(refusal, field="file")
    return ImageFacts(
        content_type=_content_type(fmt, head),
        width=width,
        height=height,
        exif_captured_at=_exif_datetime(exif),
        exif_device=_exif_device(exif),
    )


def read_exif_hints(head: bytes) -> tuple[datetime | None, str]:
    """Capture time and device from the first bytes of a photo, without decoding pixels.

    Best effort for prefilling a form: anything unreadable simply gives no hint; the
    ingest service still decodes the whole file when it is sent.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(head), formats=ACCEPTED_FORMATS) as im:
                exif = im.getexif()
                return _exif_datetime(exif), _exif_device(exif)
        except Exception:  # a hint is optional by nature
            return None, ""
