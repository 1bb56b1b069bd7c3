"""The upload corpus, generated at test time (no binary files are committed).

Two groups, as the issue asks: files the ingest must refuse (each with the status it
deserves) and odd-but-valid files it must accept and render right. write_corpus() puts
every file in a folder, for the bulk-import tests and for a look by hand.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pillow_heif
from PIL import Image

# What every odd-but-valid image looks like upright: wider than tall, red top-left corner.
UPRIGHT = (90, 60)
MARK = (255, 0, 0)
OVER_LIMIT_MB = 1
# Image.Exif orientation -> what turns an upright image into the stored pixels.
TO_STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@dataclass(frozen=True)
class Sample:
    name: str
    make: Callable[[], bytes]
    status: int = 201
    why: str = ""

    @property
    def data(self) -> bytes:
        return _bytes(self.name)


def upright(mode: str = "RGB") -> Image.Image:
    im = Image.new("RGB", UPRIGHT, (40, 120, 200))
    im.paste(MARK, (0, 0, 30, 20))
    return im.convert(mode)


def _save(im: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    im.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg(**options: object) -> bytes:
    return _save(upright(), "JPEG", quality=90, **options)


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_declaring(
    width: int, height: int, depth: int, colour: int, raw: bytes
) -> bytes:
    """A hand-made PNG: any declared size, with whatever pixel data we choose."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", raw)
        + _chunk(b"IEND", b"")
    )


def bomb(width: int, height: int) -> bytes:
    """A 1-bit PNG of zeros: tiny on disk, width x height pixels when decoded."""
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    parts = [squeeze.compress(row) for _ in range(height)]
    return png_declaring(width, height, 1, 0, b"".join(parts) + squeeze.flush())


def png16_rgb() -> bytes:
    im = upright()
    rows = b"".join(
        b"\x00"
        + b"".join(
            struct.pack(">HHH", *(c * 257 for c in im.getpixel((x, y))))  # type: ignore[misc, union-attr]
            for x in range(im.width)
        )
        for y in range(im.height)
    )
    return png_declaring(im.width, im.height, 16, 2, zlib.compress(rows))


def grey16() -> bytes:
    # Spread the 8-bit levels over the full 16-bit range, as a scanner would.
    wide = upright("L").convert("I").point(lambda v: v * 257)
    return _save(wide.convert("I;16"), "PNG")


def oriented(orientation: int) -> bytes:
    im = upright()
    step = TO_STORED[orientation]
    stored = im.transpose(step) if step is not None else im
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(stored, "JPEG", quality=95, exif=exif.tobytes())


def with_gps_and_comment() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 15"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (33.0, 51.0, 54.0)
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2025:03:04 09:15:00"
    return jpeg(exif=exif.tobytes(), comment=b"patient Jane Citizen, bed 4")


def cmyk_jpeg() -> bytes:
    return _save(upright("CMYK"), "JPEG", quality=90)


def heic() -> bytes:
    pillow_heif.register_heif_opener()
    return _save(upright(), "HEIF", quality=80)


def multi_picture() -> bytes:
    """A JPEG with a second picture indexed by MPF, as phones store HDR gain maps."""
    gain_map = Image.new("RGB", (45, 30), (128, 128, 128))
    return _save(upright(), "MPO", save_all=True, append_images=[gain_map])


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an image")
    return out.getvalue()


def mp4() -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00isomiso2"
    mdat = struct.pack(">I", 4096 + 8) + b"mdat" + bytes(4096)
    return ftyp + mdat


def over_limit() -> bytes:
    # A valid JPEG padded past the limit the tests set (CUSTODIAN_MAX_UPLOAD_MB=1).
    return jpeg() + bytes(OVER_LIMIT_MB * 1024 * 1024 + 1)


REFUSED = [
    Sample("empty.jpg", lambda: b"", 400, "zero bytes"),
    Sample("text.jpg", lambda: b"Just some notes about the wound.\n" * 20, 415),
    Sample("page.jpg", lambda: b"<!doctype html><html><script>alert(1)</script>", 415),
    Sample("drawing.jpg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', 415),
    Sample(
        "letter.jpg", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", 415
    ),
    Sample("archive.jpg", zip_bytes, 415),
    Sample("program.jpg", lambda: b"MZ\x90\x00" + bytes(60) + b"PE\x00\x00" * 64, 415),
    Sample("truncated.jpg", lambda: jpeg()[: len(jpeg()) // 2], 415),
    Sample("header-only.jpg", lambda: jpeg()[:300], 415),
    Sample("bomb.png", lambda: bomb(15_000, 15_000), 415, "over 2x the pixel limit"),
    Sample("bomb-warn-band.png", lambda: bomb(11_000, 10_000), 415, "1x-2x band"),
    Sample(
        "huge-declared.png",
        lambda: png_declaring(8_000, 8_000, 8, 0, zlib.compress(b"\x00" * 100)),
        415,
        "declares 64 MP, carries 100 bytes",
    ),
    Sample("animation.gif", lambda: _save(upright(), "GIF"), 415),
    Sample("bitmap.bmp", lambda: _save(upright(), "BMP"), 415),
    Sample("over-limit.jpg", over_limit, 413),
    Sample("clip.mp4", mp4, 415, "a video"),
]

ACCEPTED = [
    Sample("plain.jpg", jpeg),
    Sample("plain.png", lambda: _save(upright(), "PNG")),
    Sample("plain.webp", lambda: _save(upright(), "WEBP", quality=90)),
    Sample("plain.tif", lambda: _save(upright(), "TIFF")),
    Sample("phone.heic", heic),
    Sample("cmyk.jpg", cmyk_jpeg),
    Sample("grey16.png", grey16),
    Sample("rgb16.png", png16_rgb),
    Sample("paletted.png", lambda: _save(upright().convert("P"), "PNG")),
    Sample("transparent.png", lambda: _save(upright("RGBA"), "PNG")),
    Sample("motion-photo.jpg", lambda: jpeg() + b"\x00\x00\x00\x18ftypmp42" * 64),
    Sample("polyglot.jpg", lambda: jpeg() + b"<html><script>alert(1)</script></html>"),
    Sample("really-a-jpeg.png", jpeg),
    Sample("gain-map.jpg", multi_picture),
    Sample("gps-and-comment.jpg", with_gps_and_comment),
    Sample(
        "huge-allowed.jpg",
        lambda: _save(Image.new("L", (8_000, 8_000), 128), "JPEG", quality=50),
    ),
    *[Sample(f"orientation-{n}.jpg", lambda n=n: oriented(n)) for n in TO_STORED],
]

SAMPLES = {sample.name: sample for sample in [*REFUSED, *ACCEPTED]}


@cache
def _bytes(name: str) -> bytes:
    return SAMPLES[name].make()


def write_corpus(folder: Path, names: list[str] | None = None) -> list[Path]:
    """Write the named samples (default: all) into folder and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or list(SAMPLES):
        path = folder / name
        path.write_bytes(_bytes(name))
        paths.append(path)
    return paths
