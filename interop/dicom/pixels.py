"""Pixel Data for a VL Photographic Image: a baseline JPEG as it is, the rest decoded.

A baseline 8-bit JPEG is encapsulated byte for byte (JPEG Baseline transfer syntax).
Everything else is decoded to 8-bit RGB and stored native (Explicit VR Little Endian):
RLE Lossless was measured on a photo-like 3-megapixel image at 108% of the native size
and 2.4 s of pure-Python encoding, so it buys nothing for photographs.
"""

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps
from pydicom.uid import UID, ExplicitVRLittleEndian, JPEGBaseline8Bit

from interop.dicom.exceptions import UnsupportedImage

pillow_heif.register_heif_opener()

CONTENT_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/heic", "image/webp", "image/tiff"}
)
# Start-of-frame markers: every one but DHT (C4), JPG (C8) and DAC (CC).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_BASELINE = 0xC0
_APP0, _APP14, _FILL = 0xE0, 0xEE, 0xFF
_ADOBE_TRANSFORM_AT = 11
_RGB_COMPONENT_IDS = (ord("R"), ord("G"), ord("B"))
_EIGHT_BITS = 8
_OPAQUE = 255
_PNG_BIT_DEPTH = slice(24, 25)
_EXIF_ORIENTATION = 0x0112
_LOSSY_METHOD = {"image/jpeg": "ISO_10918_1", "image/heic": "ISO_23008_2"}
_WHITE = (255, 255, 255, 255)


@dataclass(frozen=True)
class Pixels:
    """What the Image Pixel module says, and the bytes that go in Pixel Data."""

    transfer_syntax: UID
    rows: int
    columns: int
    samples_per_pixel: int
    photometric: str
    data: bytes
    is_encapsulated: bool
    # The original went through lossy compression at some point (camera JPEG, HEVC).
    is_lossy: bool
    lossy_method: str | None
    # Set when the stored pixels differ from the original's decoded pixels.
    derivation: str
    icc_profile: bytes | None


@dataclass(frozen=True)
class JpegFrame:
    """The parts of a JPEG's headers that decide how DICOM may carry it."""

    sof: int
    precision: int
    rows: int
    columns: int
    components: tuple[tuple[int, int, int], ...]  # (id, horizontal, vertical sampling)
    has_jfif: bool
    adobe_transform: int | None

    @property
    def is_baseline(self) -> bool:
        return (
            self.sof == _BASELINE
            and self.precision == _EIGHT_BITS
            and len(self.components) in (1, 3)
            and self.rows > 0
        )


def pixels_for(original: bytes, content_type: str) -> Pixels:
    """The Pixel Data for an original: unchanged if a baseline JPEG, else decoded."""
    if content_type not in CONTENT_TYPES:
        raise UnsupportedImage(f"{content_type} cannot be sent to a PACS.")
    if content_type == "image/jpeg":
        frame = inspect_jpeg(original)
        if frame.is_baseline:
            return _encapsulated(original, frame)
        if frame.precision != _EIGHT_BITS:
            # VL Photographic allows 8 bits a sample only; no lossless way in.
            raise UnsupportedImage(f"A {frame.precision}-bit JPEG cannot be sent.")
    return _decoded(original, content_type)


def inspect_jpeg(data: bytes) -> JpegFrame:
    """Read the JPEG's markers up to its frame header, without decoding anything."""
    if data[:2] != b"\xff\xd8":
        raise UnsupportedImage("Not a JPEG: it does not start with SOI.")
    pos, has_jfif, adobe = 2, False, None
    while pos + 4 <= len(data) and data[pos] == _FILL:
        marker = data[pos + 1]
        if marker == _FILL:
            pos += 1  # a fill byte
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segment = data[pos + 4 : pos + 2 + length]
        if marker == _APP0 and segment.startswith(b"JFIF\x00"):
            has_jfif = True
        elif marker == _APP14 and segment.startswith(b"Adobe"):
            adobe = segment[_ADOBE_TRANSFORM_AT]
        elif marker in _SOF_MARKERS:
            return _frame(marker, segment, has_jfif, adobe)
        pos += 2 + length
    raise UnsupportedImage("The JPEG has no frame header before its image data.")


def _frame(marker: int, segment: bytes, has_jfif: bool, adobe: int | None) -> JpegFrame:
    count = segment[5]
    components = tuple(
        (segment[6 + 3 * i], segment[7 + 3 * i] >> 4, segment[7 + 3 * i] & 0x0F)
        for i in range(count)
    )
    return JpegFrame(
        sof=marker,
        precision=segment[0],
        rows=int.from_bytes(segment[1:3], "big"),
        columns=int.from_bytes(segment[3:5], "big"),
        components=components,
        has_jfif=has_jfif,
        adobe_transform=adobe,
    )


def jpeg_photometric(frame: JpegFrame) -> str:
    """PS3.5 8.2.1: the colour model inside the bitstream, as libjpeg would decode it."""
    if len(frame.components) == 1:
        return "MONOCHROME2"
    ids = tuple(component[0] for component in frame.components)
    if frame.adobe_transform == 0 or (
        not frame.has_jfif
        and frame.adobe_transform is None
        and ids == _RGB_COMPONENT_IDS
    ):
        return "RGB"  # Adobe "no transform", or components named R, G and B
    samplings = {component[1:] for component in frame.components}
    # Subsampled chroma (4:2:2 and the usual 4:2:0) is YBR_FULL_422 (CP-1653); none, YBR_FULL.
    return "YBR_FULL" if len(samplings) == 1 else "YBR_FULL_422"


def _encapsulated(original: bytes, frame: JpegFrame) -> Pixels:
    return Pixels(
        transfer_syntax=JPEGBaseline8Bit,
        rows=frame.rows,
        columns=frame.columns,
        samples_per_pixel=len(frame.components),
        photometric=jpeg_photometric(frame),
        data=original,
        is_encapsulated=True,
        is_lossy=True,
        lossy_method="ISO_10918_1",
        derivation="",
        icc_profile=_icc_profile(original),
    )


def _decoded(original: bytes, content_type: str) -> Pixels:
    with Image.open(io.BytesIO(original)) as image:
        if getattr(image, "n_frames", 1) > 1:
            raise UnsupportedImage("Only single-frame images can be sent.")
        changes = []
        if image.getexif().get(_EXIF_ORIENTATION, 1) != 1:
            changes.append("turned upright as its EXIF orientation says")
        lossy = _is_lossy(image, original, content_type)
        if content_type == "image/png" and original[_PNG_BIT_DEPTH] == b"\x10":
            changes.append("16-bit samples reduced to 8 (VL images hold 8 bits)")
        rgb = _as_rgb(ImageOps.exif_transpose(image), changes)
    return Pixels(
        transfer_syntax=ExplicitVRLittleEndian,
        rows=rgb.height,
        columns=rgb.width,
        samples_per_pixel=3,
        photometric="RGB",
        data=rgb.tobytes(),
        is_encapsulated=False,
        is_lossy=lossy,
        lossy_method=_LOSSY_METHOD.get(content_type) if lossy else None,
        derivation="; ".join(dict.fromkeys(changes)),
        icc_profile=_icc_profile(original),
    )


def _as_rgb(image: Image.Image, changes: list[str]) -> Image.Image:
    """8-bit RGB; adds to changes whatever that altered beyond decoding."""
    if image.mode.startswith("I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        changes.append("16-bit samples reduced to 8 (VL images hold 8 bits)")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        # Alpha values 0..254 are counted in the first 255 bins.
        if sum(rgba.getchannel("A").histogram()[:_OPAQUE]):
            changes.append("transparent parts drawn on white")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, _WHITE), rgba)
    elif image.mode not in ("RGB", "L", "P", "1"):
        changes.append(f"colours converted from {image.mode} to RGB")
    return image.convert("RGB")


def _is_lossy(image: Image.Image, original: bytes, content_type: str) -> bool:
    if content_type in ("image/jpeg", "image/heic"):
        return True
    if content_type == "image/tiff":
        return str(image.info.get("compression", "")) in ("jpeg", "tiff_jpeg")
    if content_type == "image/webp":
        return _webp_chunks(original) & {b"VP8 "} != set()
    return False


def _webp_chunks(data: bytes) -> set[bytes]:
    """The chunk names of a RIFF WebP file: "VP8 " is lossy, "VP8L" lossless."""
    names, pos = set(), 12
    while pos + 8 <= len(data):
        names.add(data[pos : pos + 4])
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        pos += 8 + size + (size & 1)
    return names


def _icc_profile(original: bytes) -> bytes | None:
    """The colour profile the original carries, for viewers that manage colour."""
    with Image.open(io.BytesIO(original)) as image:
        profile = image.info.get("icc_profile")
    return bytes(profile) if profile else None
