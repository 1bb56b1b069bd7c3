"""The hard-copy API: request (202), status with progress, the PDF, filing."""

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from rest_framework.test import APIClient

from audit.models import AuditEvent
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes

pytestmark = pytest.mark.django_db


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_requesting_a_copy_answers_202_and_the_copy_becomes_ready(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    api = _api(nurse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/images/{wound_photo.public_id}/hard-copy/")
    assert response.status_code == 202
    assert set(response.json()) == {"id", "status"}
    assert response.json()["status"] == "queued"
    detail = api.get(f"/api/hard-copies/{response.json()['id']}/").json()
    assert detail["status"] == "ready"
    assert detail["progress"] == 100
    assert detail["pages"] == 1
    assert detail["images"] == [str(wound_photo.public_id)]
    assert detail["files"][0]["url"].endswith("/pdf/?file=1")


def test_the_pdf_download_is_audited_and_hardened(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    api = _api(nurse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy_id = api.post(f"/api/images/{wound_photo.public_id}/hard-copy/").json()[
            "id"
        ]
    response = api.get(f"/api/hard-copies/{copy_id}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="hard_copy_downloaded")
    assert event.actor == nurse
    assert event.object_id == copy_id


def test_a_patients_whole_set_goes_into_one_copy_with_its_own_key(
    nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    api = _api(nurse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(
            f"/api/patients/{patient.public_id}/hard-copy/",
            {"layout": "contact_sheet"},
            format="json",
        )
    assert response.status_code == 202
    copy = HardCopy.objects.get(public_id=response.json()["id"])
    assert copy.images.count() == 2
    assert copy.has_own_key
    assert copy.status == "ready"
    assert copy.page_count == 1


def test_an_unknown_layout_is_refused_and_leaves_nothing(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    response = _api(nurse).post(
        f"/api/images/{wound_photo.public_id}/hard-copy/",
        {"layout": "poster"},
        format="json",
    )
    assert response.status_code == 400
    assert "layout" in response.json()
    assert not HardCopy.objects.exists()
    assert not AuditEvent.objects.filter(action="print_requested").exists()


def test_filing_through_the_api_needs_a_print_first(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    api = _api(nurse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy_id = api.post(f"/api/images/{wound_photo.public_id}/hard-copy/").json()[
            "id"
        ]
    refused = api.post(f"/api/hard-copies/{copy_id}/filed/")
    assert refused.status_code == 409
    assert "detail" in refused.json()
    assert not AuditEvent.objects.filter(action="filed").exists()
