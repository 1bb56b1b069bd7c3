"""Drill steps that run as Django code, each in a process of its own with a site's settings.

python -m drill.steps setup | dispose IMAGE_ID | readable IMAGE_ID SHA256
Each prints one JSON line. Everything goes through the app's services (ingest, sweep,
approval, disposal), as a records manager would drive them.
"""

import hashlib
import io
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from config.localsecrets import prepare

prepare()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.records import ensure_facilities, ensure_users  # noqa: E402
from drill.stack import photo  # noqa: E402
from imaging.models import ClinicalImage  # noqa: E402
from imaging.services.capture import CaptureDetails, capture_image  # noqa: E402
from records.models import Encounter, Patient  # noqa: E402
from retention.compute import recompute_retention  # noqa: E402
from retention.disposal import carry_out_disposal  # noqa: E402
from retention.models import RetentionRule, RetentionRuleVersion  # noqa: E402
from retention.review import approve_disposal  # noqa: E402
from retention.sweep import sweep_retention  # noqa: E402
from vault import blobs  # noqa: E402

PATIENTS = 4


def setup() -> dict[str, Any]:
    """Demo staff, patients in care on the nurse's ward, and one old photo now due."""
    wards = ensure_facilities()
    users = ensure_users(wards)
    ward = wards[("RHH", "SURG5A")]
    now = timezone.now()
    patients = []
    for index in range(PATIENTS):
        person = Patient.objects.create(
            facility=ward.facility,
            mrn=f"9{index:06d}",
            family_name=f"Drill{index}",
            given_names="Pat",
            date_of_birth=datetime(1960, 1, 1 + index, tzinfo=UTC).date(),
        )
        Encounter.objects.create(patient=person, ward=ward, started_at=now)
        patients.append(str(person.public_id))
    # Only one rule, verified: 7 years after the last service, as NSW's adult records.
    RetentionRuleVersion.objects.all().delete()
    RetentionRule.objects.all().delete()
    RetentionRule.objects.create(
        name="NSW adult",
        jurisdiction="NSW",
        trigger="last_service",
        years=7,
        citation="NSW HRIPA s25",
        needs_verification=False,
    )
    old = Patient.objects.create(
        facility=ward.facility,
        mrn="9900001",
        family_name="Former",
        given_names="Pat",
        date_of_birth=datetime(1950, 5, 5, tzinfo=UTC).date(),
    )
    seen = datetime(2012, 3, 1, 9, tzinfo=UTC)
    Encounter.objects.create(
        patient=old, ward=ward, started_at=seen, ended_at=seen + timedelta(days=2)
    )
    # An old photo brought in by the facility's migration: kept until 2019, now due.
    image = capture_image(
        actor=users["records.manager"],
        patient=old,
        upload=io.BytesIO(photo(random.Random(1))),
        details=CaptureDetails(
            capture_mode="scanned_print",
            consent_kind="unable",
            captured_at=seen + timedelta(hours=3),
        ),
        channel=ClinicalImage.Channel.IMPORT,
    ).image
    recompute_retention()
    return {
        "patients": patients,
        "old_image": str(image.public_id),
        "old_sha256": image.sha256,
    }


def dispose(image_id: str) -> dict[str, Any]:
    """Sweep, approve twice (a waiting period of 0 days) and carry out the disposal."""
    first, second = (
        User.objects.get(username=f"records.manager{n}") for n in ("", "2")
    )
    batch = sweep_retention(actor=None).batch
    assert batch is not None, "nothing was due"
    approve_disposal(actor=first, batch=batch)
    approve_disposal(actor=second, batch=batch)
    carry_out_disposal(batch_id=batch.pk)
    image = ClinicalImage.objects.get(public_id=image_id)
    return {"status": image.status, "items": batch.items.count()}


def readable(image_id: str, sha256: str) -> dict[str, Any]:
    """Whether the image's original can still be decrypted, and if so whether it matches."""
    image = ClinicalImage.objects.get(public_id=image_id)
    try:
        key = blobs.data_key(image.public_id)
    except Exception as error:
        return {"status": image.status, "readable": False, "why": repr(error)[:120]}
    digest = hashlib.sha256()
    try:
        for chunk in blobs.read_decrypted(image.storage_name, key):
            digest.update(chunk)
    except Exception as error:
        return {"status": image.status, "readable": False, "why": repr(error)[:120]}
    return {
        "status": image.status,
        "readable": True,
        "matches": digest.hexdigest() == sha256,
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"setup": setup, "dispose": dispose, "readable": readable}[command](*args)
    print(json.dumps(result))
