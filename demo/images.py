"""Synthetic clinical photos for the demo, stored through the real ingest service."""

import io
import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image, ImageDraw

from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from records.models import Patient, StaffMembership

SITES = [
    ("Left forearm", "left"),
    ("Right shin", "right"),
    ("Sacrum", "midline"),
    ("Left heel", "left"),
    ("Abdomen, surgical wound", "midline"),
    ("Right hand", "right"),
    ("Scalp", "midline"),
    ("Left knee", "left"),
]
DEVICES = [("Apple", "iPhone 15"), ("samsung", "SM-S918B"), ("Google", "Pixel 8")]
# Somewhere in Sydney: phones embed GPS, and derivatives must strip it.
GPS = {1: "S", 2: (33.0, 53.0, 24.0), 3: "E", 4: (151.0, 12.0, 36.0)}


def synthetic_photo(rng: random.Random, *, fmt: str, exif: bool, index: int) -> bytes:
    """A plainly synthetic 'wound' picture with a ruler, never mistaken for a real one."""
    width = rng.choice([800, 1200, 1600, 2400])
    height = int(width * rng.choice([0.75, 1.333, 0.5625]))
    skin = rng.choice([(224, 172, 140), (198, 134, 98), (141, 85, 54), (241, 194, 164)])
    im = Image.new("RGB", (width, height), skin)
    draw = ImageDraw.Draw(im)
    cx, cy = width // 2, height // 2
    rx, ry = (
        rng.randint(width // 10, width // 4),
        rng.randint(height // 12, height // 5),
    )
    draw.ellipse(
        (cx - rx, cy - ry, cx + rx, cy + ry), fill=(150, 30, 40), outline=(90, 20, 20)
    )
    for tick in range(0, width, max(1, width // 20)):
        draw.line((tick, height - 30, tick, height - 10), fill=(20, 20, 20), width=2)
    draw.text((10, 10), f"SYNTHETIC DEMO IMAGE {index:03d}", fill=(0, 0, 0))
    out = io.BytesIO()
    if fmt == "PNG":
        im.save(out, format="PNG")
        return out.getvalue()
    params: dict[str, object] = {"quality": 88}
    if exif:
        make, model = rng.choice(DEVICES)
        tags = Image.Exif()
        tags[0x010F], tags[0x0110] = make, model
        taken = timezone.localtime() - timedelta(
            days=rng.randint(1, 20), hours=rng.randint(0, 9)
        )
        tags.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        tags.get_ifd(0x8825).update(GPS)
        params["exif"] = tags
    im.save(out, format="JPEG", **params)
    return out.getvalue()


def ensure_images(
    patients: list[Patient], users: dict[str, User], count: int = 36
) -> int:
    """Store synthetic images for current patients through capture_image; return how many exist."""
    rng = random.Random(25)  # noqa: S311 - demo data, not security
    staff_by_ward = {
        m.ward_id: m.user
        for m in StaffMembership.objects.filter(user__in=users.values())
    }
    candidates = [
        p
        for p in patients
        if p.encounters.filter(
            ended_at__isnull=True, ward_id__in=staff_by_ward
        ).exists()
    ]
    for index in range(count):
        patient = candidates[index % len(candidates)]
        ward_id = (
            patient.encounters.filter(ended_at__isnull=True)
            .values_list("ward_id", flat=True)
            .first()
        )
        actor = staff_by_ward[ward_id or 0]
        fmt = "PNG" if index % 4 == 3 else "JPEG"
        data = synthetic_photo(
            rng, fmt=fmt, exif=(fmt == "JPEG" and index % 2 == 0), index=index
        )
        site, side = SITES[index % len(SITES)]
        details = CaptureDetails(
            capture_mode=rng.choice(
                ["personal_mobile", "personal_mobile", "hospital_camera"]
            ),
            consent_kind=rng.choice(["verbal", "written"]),
            consent_purposes=("care", "teaching") if index % 3 == 0 else ("care",),
            captured_at=None
            if fmt == "JPEG"
            else timezone.now() - timedelta(hours=index + 1),
            body_site=site,
            laterality=side,
            note="Synthetic demo image.",
            encounter=patient.encounters.filter(ended_at__isnull=True).first(),
            idempotency_key=f"seed-demo-{index:03d}",
            original_filename=f"IMG_{4000 + index}.{'png' if fmt == 'PNG' else 'jpg'}",
        )
        # The photo's EXIF time moves with the clock, so a re-run makes other bytes:
        # the ingest refuses a key reused for other bytes, hence skip what exists.
        if ClinicalImage.objects.filter(
            uploaded_by=actor, idempotency_key=details.idempotency_key
        ).exists():
            continue
        capture_image(
            actor=actor,
            patient=patient,
            upload=io.BytesIO(data),
            details=details,
            channel=ClinicalImage.Channel.SEED,
        )
    return ClinicalImage.objects.filter(
        upload_channel=ClinicalImage.Channel.SEED
    ).count()
