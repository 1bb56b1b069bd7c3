"""Ingest throughput for 2 MB phone-sized JPEGs, beside the machine's raw hash-and-copy.

Figures (images/s and MB/s): the floor is `sha256sum` plus `cp` of the same files (what
the disk and CPU do with no application); then the ingest service (decode, hash,
encrypt, store, audit) with derivatives queued as with real workers, the same with
derivatives made inline (the embedded mode), and the HTTP API (multipart through
Django's full request stack). Set BENCH_INGEST_IMAGES to change the count (default 12).
"""

import io
import os
import shutil
import struct
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from bench.common import Figure
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from records.models import Encounter, Facility, Patient, StaffMembership, Ward
from records.roles import Role
from records.rolesync import ensure_roles

COUNT = int(os.environ.get("BENCH_INGEST_IMAGES", "12"))
MB = 1024 * 1024


def _base_jpeg() -> bytes:
    """A 12-megapixel JPEG of about 2 MB: what a phone sends."""
    size = (4032, 3024)
    im = Image.merge("RGB", [Image.effect_noise(size, 10) for _ in range(3)])
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _variants(base: bytes, count: int) -> list[bytes]:
    """Distinct files (a unique comment segment each) with the same pixels."""
    out = []
    for _ in range(count):
        tag = uuid.uuid4().bytes
        comment = b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag
        out.append(base[:2] + comment + base[2:])
    return out


def _nurse_and_patient() -> tuple[User, Patient]:
    ensure_roles()
    facility, _ = Facility.objects.get_or_create(
        code="BINGEST",
        defaults={
            "name": "Bench Ingest Hospital",
            "jurisdiction": "NSW",
            "sector": "public",
            "time_zone": "Australia/Sydney",
        },
    )
    ward, _ = Ward.objects.get_or_create(facility=facility, code="BI1", name="Bench")
    nurse, _ = User.objects.get_or_create(username="bench.ingest.nurse")
    nurse.groups.add(Group.objects.get(name=Role.WARD_STAFF))
    StaffMembership.objects.get_or_create(user=nurse, ward=ward)
    patient, created = Patient.objects.get_or_create(
        facility=facility, mrn="BI000001", defaults={"family_name": "Bench"}
    )
    if created:
        Encounter.objects.create(patient=patient, ward=ward, started_at=timezone.now())
    return User.objects.get(pk=nurse.pk), patient


def _rate(
    label: str, files: list[bytes], seconds: float, floor: Figure | None
) -> list[Figure]:
    megabytes = sum(len(f) for f in files) / MB
    return [
        Figure(
            f"{label}: images/s",
            len(files) / seconds,
            "img/s",
            floor.value if floor else None,
            "sha256sum+cp" if floor else "",
        ),
        Figure(f"{label}: MB/s", megabytes / seconds, "MB/s"),
    ]


def _floor(files: list[bytes], work: Path) -> float:
    sources = []
    for index, data in enumerate(files):
        path = work / f"src-{index}.jpg"
        path.write_bytes(data)
        sources.append(path)
    start = time.perf_counter()
    for path in sources:
        subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
        shutil.copyfile(path, work / f"copy-{path.name}")
    return time.perf_counter() - start


def _service(nurse: User, patient: Patient, files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        capture_image(
            actor=nurse,
            patient=patient,
            upload=io.BytesIO(data),
            details=CaptureDetails(
                capture_mode="personal_mobile", consent_kind="verbal"
            ),
            channel=ClinicalImage.Channel.API,
        )
    return time.perf_counter() - start


def _api(nurse: User, patient: Patient, files: list[bytes]) -> float:
    client = Client()
    client.force_login(nurse)
    url = f"/api/patients/{patient.public_id}/images/"
    start = time.perf_counter()
    for data in files:
        upload = io.BytesIO(data)
        upload.name = "photo.jpg"
        response = client.post(
            url,
            {
                "file": upload,
                "captured_at": timezone.now().isoformat(),
                "capture_mode": "personal_mobile",
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"API answered {response.status_code}: {response.content!r}"
            )
    return time.perf_counter() - start


def _queued(measure: Callable[[], float]) -> float:
    """Run with derivatives queued to an in-memory broker, as real workers would take them."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, "memory://"
    try:
        return measure()
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker


def run() -> list[Figure]:
    base = _base_jpeg()
    nurse, patient = _nurse_and_patient()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        media = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(work / "media")},
        }
        from django.conf import settings

        with override_settings(
            STORAGES={**settings.STORAGES, "default": media},
            ALLOWED_HOSTS=["testserver"],
        ):
            batches = [_variants(base, COUNT) for _ in range(4)]
            raw = _floor(batches[0], work)
            floor = Figure("raw", COUNT / raw, "img/s")
            queued = _queued(lambda: _service(nurse, patient, batches[1]))
            inline = _service(nurse, patient, batches[2])
            api = _queued(lambda: _api(nurse, patient, batches[3]))
    figures = _rate("floor: sha256sum + cp", batches[0], raw, None)
    figures += _rate("ingest service, derivatives queued", batches[1], queued, floor)
    figures += _rate("ingest service, derivatives inline", batches[2], inline, floor)
    figures += _rate("HTTP API, derivatives queued", batches[3], api, floor)
    return figures
