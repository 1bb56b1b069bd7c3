"""Photos from finished stays, so the demo's public hospitals show finite retain-until
dates under their (unverified) schedules, and the dashboard has something to count."""

import io
import random
from datetime import timedelta

from django.contrib.auth.models import User

from demo.images import synthetic_photo
from imaging.models import ClinicalImage
from imaging.services.capture import CaptureDetails, capture_image
from records.models import Patient
from retention.compute import recompute_retention


def ensure_archive_images(patients: list[Patient], importer: User) -> int:
    """One photo per discharged patient of known age, taken during their last stay,
    brought in as a facility's folder of old photos is (idempotent); how many exist."""
    rng = random.Random(19)  # noqa: S311 - demo data, not security
    past = [
        p
        for p in patients
        if p.date_of_birth is not None
        and not p.encounters.filter(ended_at__isnull=True).exists()
    ]
    for patient in past:
        key = f"seed-archive-{patient.mrn}"
        if ClinicalImage.objects.filter(idempotency_key=key).exists():
            continue
        stay = patient.encounters.order_by("-started_at").first()
        if stay is None:
            continue
        details = CaptureDetails(
            capture_mode="hospital_camera",
            consent_kind="verbal",
            captured_at=stay.started_at + timedelta(hours=3),
            body_site="Left forearm",
            laterality="left",
            note="Synthetic demo image from a finished stay.",
            encounter=stay,
            idempotency_key=key,
            original_filename=f"ARCHIVE_{patient.mrn}.png",
        )
        capture_image(
            actor=importer,
            patient=patient,
            upload=io.BytesIO(synthetic_photo(rng, fmt="PNG", exif=False, index=0)),
            details=details,
            channel=ClinicalImage.Channel.IMPORT,
        )
    recompute_retention(patient_ids=[p.pk for p in past])
    return ClinicalImage.objects.filter(
        idempotency_key__startswith="seed-archive-"
    ).count()
