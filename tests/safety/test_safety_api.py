"""The safety API: hand-off links and move requests, with the same rules as the pages."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from imaging.safety.models import CaptureHandoff, MoveRequest
from records.models import Patient, Ward
from tests.factories import EncounterFactory, PatientFactory, staff_on

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_nurse_makes_a_handoff_link_for_her_patient(
    nurse: User, patient: Patient
) -> None:
    response = _client(nurse).post(f"/api/patients/{patient.public_id}/handoffs/")
    assert response.status_code == 201
    body = response.json()
    assert "/safety/h/" in body["url"]
    assert CaptureHandoff.objects.get().patient == patient


def test_outsider_gets_404_and_no_link(outsider: User, patient: Patient) -> None:
    response = _client(outsider).post(f"/api/patients/{patient.public_id}/handoffs/")
    assert response.status_code == 404
    assert not CaptureHandoff.objects.exists()
    assert not AuditEvent.objects.filter(action="handoff_created").exists()


def test_move_requested_then_approved_by_a_colleague(
    nurse: User, ward: Ward, wound_photo: ClinicalImage
) -> None:
    right = PatientFactory(facility=ward.facility, family_name="Right")
    EncounterFactory(patient=right, ward=ward)
    colleague = staff_on(ward, username="colleague")
    made = _client(nurse).post(
        f"/api/images/{wound_photo.public_id}/move-requests/",
        {"to_patient": str(right.public_id), "reason": "Wrong bed"},
        format="json",
    )
    assert made.status_code == 201
    move_id = made.json()["id"]
    own = _client(nurse).post(f"/api/move-requests/{move_id}/approve/")
    assert own.status_code == 403
    done = _client(colleague).post(f"/api/move-requests/{move_id}/approve/")
    assert done.status_code == 200
    assert done.json()["status"] == "approved"
    wound_photo.refresh_from_db()
    assert wound_photo.patient == right


def test_move_request_without_reason_is_a_field_error(
    nurse: User, ward: Ward, wound_photo: ClinicalImage
) -> None:
    right = PatientFactory(facility=ward.facility)
    EncounterFactory(patient=right, ward=ward)
    response = _client(nurse).post(
        f"/api/images/{wound_photo.public_id}/move-requests/",
        {"to_patient": str(right.public_id), "reason": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not MoveRequest.objects.exists()
