"""PACS sends: images/s (and MB/s) C-STOREd to a local Orthanc, beside dcmtk's storescu.

BENCH_PACS_IMAGES (default 20) 12-megapixel phone JPEGs of about 2 MB are captured
through the ingest service into a bench facility, then each is sent the way a worker
sends it (interop.pacs.delivery.deliver_send: claim the send, decrypt the original, build
the VL Photographic Image, one association and C-STORE, record the outcome and the
disclosure's audit event). The floor is `storescu` (dcmtk) sending the very DICOM files
Custodian built, all in one association: the PACS's and the network's own cost, with no
application in the way. Orthanc is Debian's, started on free loopback ports with a
throwaway store, as the tests start it (tests/orthanc.py); it keeps nothing afterwards.
"""

import io
import os
import struct
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from accounts.rolesync import ensure_roles
from bench.common import Figure
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from interop.dicom import build_dataset, dataset_bytes
from interop.models.pacs import PacsDestination, PacsSend
from interop.pacs.delivery import deliver_send, photo_for_pacs
from interop.pacs.services import queue_send
from records.models import Encounter, Facility, Patient, StaffMembership, Ward
from tests.orthanc import Orthanc, running_orthanc

COUNT = int(os.environ.get("BENCH_PACS_IMAGES", "20"))
MB = 1024 * 1024
FLOOR = "storescu (dcmtk), the same DICOM files, one association"


def _phone_jpegs(count: int) -> list[bytes]:
    """12 MP JPEGs of about 2 MB, each made distinct by a comment segment."""
    size = (4032, 3024)
    picture = Image.merge("RGB", [Image.effect_noise(size, 10) for _ in range(3)])
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    base = out.getvalue()
    files = []
    for _ in range(count):
        tag = uuid.uuid4().bytes
        comment = b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag
        files.append(base[:2] + comment + base[2:])
    return files


def _nurse_and_patient() -> tuple[User, Patient]:
    ensure_roles()
    facility, _ = Facility.objects.get_or_create(
        code="BPACS",
        defaults={
            "name": "Bench PACS Hospital",
            "jurisdiction": "NSW",
            "sector": "public",
            "time_zone": "Australia/Sydney",
        },
    )
    ward, _ = Ward.objects.get_or_create(facility=facility, code="BP1", name="Bench")
    nurse, _ = User.objects.get_or_create(
        username="bench.pacs.nurse", defaults={"first_name": "Bench"}
    )
    nurse.groups.add(Group.objects.get(name=Role.WARD_STAFF))
    StaffMembership.objects.get_or_create(user=nurse, ward=ward)
    patient, created = Patient.objects.get_or_create(
        facility=facility, mrn="BP000001", defaults={"family_name": "Bench"}
    )
    if created:
        Encounter.objects.create(patient=patient, ward=ward, started_at=timezone.now())
    return nurse, patient


def _captured(nurse: User, patient: Patient, files: list[bytes]) -> list[ClinicalImage]:
    """The photos stored, their derivatives queued to a broker nobody reads."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, "memory://"
    try:
        return [
            capture_image(
                actor=nurse,
                patient=patient,
                upload=io.BytesIO(data),
                details=CaptureDetails(
                    capture_mode="personal_mobile", consent_kind="verbal"
                ),
                channel=ClinicalImage.Channel.API,
            ).image
            for data in files
        ]
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker


def _destination(patient: Patient, pacs: Orthanc) -> PacsDestination:
    destination, _ = PacsDestination.objects.update_or_create(
        name="bench-orthanc",
        facility=patient.facility,
        defaults={
            "host": pacs.host,
            "port": pacs.dicom_port,
            "called_ae": pacs.called_ae,
            "calling_ae": pacs.calling_ae,
            "auto": False,
        },
    )
    return destination


def _send_all(images: list[ClinicalImage], destination: PacsDestination) -> float:
    """Seconds for a worker's work on each image, one after another."""
    sends = [
        queue_send(image=i, destination=destination, actor=None, enqueue_task=False)
        for i in images
    ]
    start = time.perf_counter()
    for send in sends:
        deliver_send(send_id=send.pk, final=True)
    seconds = time.perf_counter() - start
    statuses = set(
        PacsSend.objects.filter(pk__in=[s.pk for s in sends]).values_list(
            "status", flat=True
        )
    )
    if statuses != {PacsSend.Status.SENT}:
        raise RuntimeError(f"Not every bench send reached the PACS: {statuses}")
    return seconds


def _storescu(files: list[Path], pacs: Orthanc) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            "storescu",
            "-aet",
            pacs.calling_ae,
            "-aec",
            pacs.called_ae,
            # Propose JPEG Baseline, the files' own transfer syntax, as Custodian does.
            "-xy",
            pacs.host,
            str(pacs.dicom_port),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def run() -> list[Figure]:
    nurse, patient = _nurse_and_patient()
    files = _phone_jpegs(COUNT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        media = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(work / "media")},
        }
        with (
            override_settings(STORAGES={**settings.STORAGES, "default": media}),
            running_orthanc(work) as pacs,
        ):
            images = _captured(nurse, patient, files)
            dicom = []
            for index, image in enumerate(images):
                path = work / f"{index:04d}.dcm"
                path.write_bytes(
                    dataset_bytes(build_dataset(photo_for_pacs(image, patient)))
                )
                dicom.append(path)
            ours = _send_all(images, _destination(patient, pacs))
            if len(pacs.instances()) != COUNT:
                raise RuntimeError("The PACS does not hold one instance per image.")
            pacs.empty()
            floor = _storescu(dicom, pacs)
            if len(pacs.instances()) != COUNT:
                raise RuntimeError("storescu did not store every file.")
            megabytes = sum(p.stat().st_size for p in dicom) / MB
    label = f"PACS send, {COUNT} 12 MP JPEGs (decrypt, DICOM, C-STORE, audit)"
    return [
        Figure(f"{label}: images/s", COUNT / ours, "img/s", COUNT / floor, FLOOR),
        Figure(f"{label}: MB/s", megabytes / ours, "MB/s", megabytes / floor, FLOOR),
    ]
