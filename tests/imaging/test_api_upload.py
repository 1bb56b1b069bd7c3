"""Uploading through the API: receipts, retries, duplicates and bad fields."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo, stored_files
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _nothing_written(media_root: Path) -> None:
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert stored_files(media_root) == []


def test_upload_answers_201_with_the_receipt(
    nurse_api: APIClient, patient: Patient
) -> None:
    response = post_photo(nurse_api, patient, jpeg_bytes(), body_site="Left heel")
    assert response.status_code == 201
    image = ClinicalImage.objects.get()
    assert response.json() == {
        "id": str(image.public_id),
        "patient": str(patient.public_id),
        "sha256": image.sha256,
        "size": image.size_bytes,
        "stored_at": response.json()["stored_at"],
        "message": (
            "Stored in the patient's health record. "
            "Delete the photo from your device now."
        ),
        "delete_from_phone": "http://testserver/capture/delete-from-phone/",
    }
    assert image.body_site == "Left heel"
    assert image.upload_channel == "api"


def test_a_retry_with_the_same_key_returns_the_original_receipt(
    nurse_api: APIClient, patient: Patient
) -> None:
    first = post_photo(nurse_api, patient, jpeg_bytes(), key="photo-1")
    again = post_photo(nurse_api, patient, jpeg_bytes(), key="photo-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert ClinicalImage.objects.count() == 1
    assert AuditEvent.objects.filter(action="upload").count() == 1


def test_a_key_reused_for_other_bytes_is_refused(
    nurse_api: APIClient, patient: Patient
) -> None:
    post_photo(nurse_api, patient, jpeg_bytes(color="red"), key="photo-1")
    response = post_photo(nurse_api, patient, jpeg_bytes(color="blue"), key="photo-1")
    assert response.status_code == 422
    assert "different file" in response.json()["detail"]
    assert ClinicalImage.objects.count() == 1


def test_the_same_bytes_again_are_reported_as_a_duplicate(
    nurse_api: APIClient, patient: Patient, media_root: Path
) -> None:
    first = post_photo(nurse_api, patient, jpeg_bytes(), key="a").json()
    files_before = stored_files(media_root)
    response = post_photo(nurse_api, patient, jpeg_bytes(), key="b")
    assert response.status_code == 409
    assert response.json()["existing_id"] == first["id"]
    assert ClinicalImage.objects.count() == 1
    assert stored_files(media_root) == files_before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"captured_at": "2999-01-01T10:00:00+10:00"}, "captured_at"),
        ({"captured_at": "yesterday"}, "captured_at"),
        ({"capture_mode": "telepathy"}, "capture_mode"),
        ({"laterality": "sideways"}, "laterality"),
        ({"consent_kind": "assumed"}, "consent_kind"),
        ({"consent_purposes": "care,marketing"}, "consent_purposes"),
        ({"note": "x" * (1024 * 1024)}, "note"),
    ],
)
def test_bad_fields_get_field_errors_and_leave_nothing(
    nurse_api: APIClient,
    patient: Patient,
    media_root: Path,
    fields: dict[str, Any],
    field: str,
) -> None:
    response = post_photo(nurse_api, patient, jpeg_bytes(), **fields)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert response.json()[field]
    _nothing_written(media_root)


def test_a_missing_file_is_a_field_error(
    nurse_api: APIClient, patient: Patient, media_root: Path
) -> None:
    response = post_photo(nurse_api, patient, None)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json()["file"]
    _nothing_written(media_root)


def test_a_failure_after_the_file_is_written_leaves_no_file(
    nurse_api: APIClient,
    patient: Patient,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def audit_down(**kwargs: Any) -> None:
        assert stored_files(media_root), "the file should be written by now"
        raise OSError("audit store unavailable")

    # Fault injection only: the audit write fails after the encrypted file is stored.
    monkeypatch.setattr("imaging.services.capture.record_event", audit_down)
    response = post_photo(nurse_api, patient, jpeg_bytes())
    # An infrastructure failure: a plain 500 with no internals, and nothing kept.
    assert response.status_code == 500
    assert "audit store" not in response.content.decode()
    _nothing_written(media_root)


def test_outsider_gets_404_and_leaves_nothing(
    outsider: User, patient: Patient, media_root: Path
) -> None:
    client = APIClient()
    client.force_authenticate(outsider)
    response = post_photo(client, patient, jpeg_bytes())
    assert response.status_code == 404
    assert response.json()["detail"]
    _nothing_written(media_root)


def test_records_manager_may_not_capture(
    records_manager: User, patient: Patient, media_root: Path
) -> None:
    client = APIClient()
    client.force_authenticate(records_manager)
    response = post_photo(client, patient, jpeg_bytes())
    assert response.status_code == 403
    assert "may not add images" in response.json()["detail"]
    _nothing_written(media_root)


def test_anonymous_upload_is_refused(patient: Patient, media_root: Path) -> None:
    response = post_photo(APIClient(), patient, jpeg_bytes())
    assert response.status_code in (401, 403)
    _nothing_written(media_root)


def test_captured_at_is_kept_as_given(nurse_api: APIClient, patient: Patient) -> None:
    taken = timezone.now().replace(microsecond=0) - timezone.timedelta(hours=3)
    post_photo(nurse_api, patient, jpeg_bytes(), captured_at=taken.isoformat())
    assert ClinicalImage.objects.get().captured_at == taken
