"""Photos made at test time (no binary files committed) and the PhotoForPacs around them."""

import dataclasses
import hashlib
import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pillow_heif
from PIL import Image, ImageDraw

from interop.dicom.build import PhotoForPacs

SIZE = (160, 120)
# 02:30 UTC on 5 January is 10:30 in Perth (+0800) and 13:00 in Adelaide (+1030, summer).
ACQUIRED_AT = datetime(2026, 1, 5, 2, 30, tzinfo=UTC)
FOREARM = ("14975008", "Forearm structure")


def wound_picture(size: tuple[int, int] = SIZE) -> Image.Image:
    """Skin-toned, with a dark wound and noise, as photos have: different on every call."""
    picture = Image.new("RGB", size, (214, 160, 130))
    noise = Image.effect_noise(size, 24).convert("RGB")
    picture = Image.blend(picture, noise, 0.15)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((50, 35, 110, 80), fill=(120, 30, 35))
    draw.rectangle((0, 0, 12, 12), fill=(0, 90, 200))  # a top-left mark
    return picture


def encoded(picture: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.from_pillow(picture).save(out, **options)
    else:
        picture.save(out, format=fmt, **options)
    return out.getvalue()


def baseline_jpeg(*, odd_length: bool = False, **options: Any) -> bytes:
    """A baseline JFIF JPEG (4:2:0) whose length is odd or even as asked."""
    for quality in range(80, 100):
        data = encoded(wound_picture(), "JPEG", quality=quality, **options)
        if len(data) % 2 == int(odd_length):
            return data
    raise AssertionError("no quality gave that length parity")


def photo_for(data: bytes, content_type: str, **changes: Any) -> PhotoForPacs:
    """Jane Citizen's left forearm wound, photographed on Ward 5A, as the caller fills it."""
    photo = PhotoForPacs(
        patient_id="MRN0042",
        issuer_of_patient_id="RHH",
        family_name="Citizen",
        given_names="Zoë Jane",
        birth_on=date(1950, 1, 2),
        sex="F",
        image_public_id=uuid.UUID("5d0f6f36-2b8a-4a4c-9a43-6b1d1f0e0c11"),
        study_key="encounter-7f3c",
        study_description="Wound review, Ward 5A",
        series_key="2026-01-05",
        acquired_at=ACQUIRED_AT,
        facility_zone="Australia/Perth",
        body_site_code=FOREARM[0],
        body_site_meaning=FOREARM[1],
        laterality="left",
        operator_name="Nurse^Ann",
        manufacturer="Apple",
        device_model="iPhone 15",
        institution_name="Royal Harbour Hospital",
        accession_number=None,
        original=data,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return dataclasses.replace(photo, **changes)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
