"""The ingest service stores the exact bytes, encrypted, with provenance and audit."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import AuditEvent
from imaging.exceptions import PatientNotFound
from imaging.models import ClinicalImage, Derivative
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from vault import blobs
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_original_round_trips_bit_for_bit_and_is_encrypted_at_rest(
    nurse: User, patient: Patient, media_root: Path
) -> None:
    data = jpeg_bytes()
    image = capture(actor=nurse, patient=patient, data=data)
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert image.size_bytes == len(data)
    key = blobs.data_key(image.public_id)
    assert b"".join(blobs.read_decrypted(image.storage_name, key)) == data
    on_disk = (media_root / image.storage_name).read_bytes()
    assert data not in on_disk
    assert on_disk[:3] != b"\xff\xd8\xff"


def test_provenance_is_recorded(nurse: User, patient: Patient) -> None:
    image = capture(actor=nurse, patient=patient, device="Pixel 8")
    assert image.captured_by == nurse
    assert image.uploaded_by == nurse
    assert image.captured_at <= image.uploaded_at <= timezone.now()
    assert image.device == "Pixel 8"
    assert image.content_type == "image/jpeg"
    assert (image.width, image.height) == (640, 480)


def test_upload_writes_one_audit_event_with_the_hash(
    nurse: User, patient: Patient
) -> None:
    image = capture(actor=nurse, patient=patient)
    event = AuditEvent.objects.get(action="upload")
    assert event.actor == nurse
    assert event.object_id == str(image.public_id)
    assert event.patient_public_id == patient.public_id
    assert event.detail["sha256"] == image.sha256


def test_derivatives_are_made_after_commit(
    nurse: User, patient: Patient, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        image = capture(actor=nurse, patient=patient)
    kinds = set(Derivative.objects.filter(image=image).values_list("kind", flat=True))
    assert kinds == {"thumbnail", "preview"}


def test_outsider_is_refused_and_leaves_no_trace(
    outsider: User, patient: Patient, media_root: Path
) -> None:
    with pytest.raises(PatientNotFound):
        capture(actor=outsider, patient=patient)
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert _stored_files(media_root) == []
