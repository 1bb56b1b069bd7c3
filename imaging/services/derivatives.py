"""Thumbnails and previews: what people see, regenerated at will from the original.

Derivatives are JPEGs with EXIF orientation applied and every metadata segment (EXIF,
GPS, comments, ICC) dropped; the original is never touched. Safe to run twice.
"""

import hashlib
import io
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from PIL import Image, ImageOps

from common.queue import enqueue
from imaging.models import ClinicalImage, Derivative
from imaging.validation import ACCEPTED_FORMATS
from vault import blobs

PREVIEW_EDGE = 1600
THUMBNAIL_EDGE = 320
# The sweep leaves a new image this long to its own task, and queues this many a run.
SWEEP_SETTLE = timedelta(minutes=1)
SWEEP_BATCH = 500


def _to_rgb(im: Image.Image) -> Image.Image:
    """Flatten any mode (alpha, palette, 16-bit, CMYK) onto an RGB image for display."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode == "PA":
        im = im.convert("RGBA")
    if im.mode == "P":
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
    if im.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


def _encode(im: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh image has empty info: no EXIF, GPS or comment segments survive the re-encode.
    clean = Image.new("RGB", im.size)
    clean.paste(im)
    # Optimised Huffman tables (smaller files); not progressive, which took 4x as long
    # to encode a preview for no gain once the page has its thumbnail.
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def draft_box(size: tuple[int, int], edge: int = PREVIEW_EDGE) -> tuple[int, int]:
    """The size an image fits to within edge x edge: what a JPEG draft decode must cover.

    Asking draft() for (edge, edge) demands both sides reach the edge, so a 4:3 photo
    (4032 x 3024 -> 2016 x 1512 at half scale) was decoded at full size every time.
    """
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def render_derivatives(original: bytes) -> dict[str, tuple[bytes, int, int]]:
    """Render preview and thumbnail JPEGs from an original's bytes.

    The original was fully decoded and bounded at ingest (validation.inspect_image);
    decoding it again here only to check it doubled the cost of every derivative.
    """
    # A worker may never have run the ingest's check: use the same pixel bound here.
    Image.MAX_IMAGE_PIXELS = settings.CUSTODIAN_MAX_PIXELS
    with Image.open(io.BytesIO(original), formats=ACCEPTED_FORMATS) as im:
        # Decode JPEGs at a reduced scale when they are much larger than the preview.
        im.draft("RGB", draft_box(im.size))
        upright = ImageOps.exif_transpose(im)
        preview = _to_rgb(upright)
    preview.thumbnail((PREVIEW_EDGE, PREVIEW_EDGE), Image.Resampling.LANCZOS)
    thumbnail = preview.copy()
    # The thumbnail is made from the preview, not from the original again.
    thumbnail.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
    return {
        Derivative.Kind.PREVIEW: (_encode(preview), *preview.size),
        Derivative.Kind.THUMBNAIL: (_encode(thumbnail), *thumbnail.size),
    }


def make_derivatives(*, image_id: int) -> list[Derivative]:
    """Create whichever derivatives the image lacks; do nothing for a disposed image."""
    image = ClinicalImage.objects.filter(
        pk=image_id, status=ClinicalImage.Status.ACTIVE
    ).first()
    if image is None:
        return []
    have = set(image.derivatives.values_list("kind", flat=True))
    if have >= set(Derivative.Kind.values):
        return list(image.derivatives.all())
    key = blobs.data_key(image.public_id)
    original = b"".join(blobs.read_decrypted(image.storage_name, key))
    created = []
    for kind, (data, width, height) in render_derivatives(original).items():
        if kind in have:
            continue
        name = blobs.save_encrypted(
            blobs.derivative_name(image.public_id, kind), [data], key
        )
        try:
            with transaction.atomic():
                created.append(
                    Derivative.objects.create(
                        image=image,
                        kind=kind,
                        storage_name=name,
                        width=width,
                        height=height,
                        size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                    )
                )
        except IntegrityError:
            # Another run made this one first; keep theirs.
            blobs.discard(name)
    return created


def sweep_derivatives() -> dict[str, int]:
    """Queue make_derivatives for active images still lacking one; return the count.

    Derivatives are made by a task queued on commit; the object store failing just then
    (inline) or a lost task (workers) leaves an image without its preview or thumbnail.
    Every ten minutes (settings.CELERY_BEAT_SCHEDULE) this queues the oldest of them.
    """
    lacking = Q()
    for kind in Derivative.Kind.values:
        lacking |= Q(
            ~Exists(Derivative.objects.filter(image=OuterRef("pk"), kind=kind))
        )
    # NOT EXISTS per kind probes the (image, kind) unique index; ids follow upload order.
    missing = list(
        ClinicalImage.objects.active()
        .filter(uploaded_at__lt=timezone.now() - SWEEP_SETTLE)
        .filter(lacking)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in missing:
        enqueue("imaging.tasks.make_derivatives", pk, swept=True)
    return {"missing": len(missing)}
