"""The safety API: hand-off links and move requests, with the same rules as the pages."""

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import CaptureHandoff, ClinicalImage, MoveRequest
from imaging.safety.sensitive import mark_sensitive
from imaging.services.access import derivative_bytes
from records.models import Patient, Ward
from tests.factories import (
    EncounterFactory,
    PatientFactory,
    capture,
    jpeg_bytes,
    staff_on,
)

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


def test_a_sensitive_original_needs_a_reason_over_the_api_and_the_reason_is_kept(
    nurse: User, patient: Patient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        image = capture(actor=nurse, patient=patient)
    mark_sensitive(actor=nurse, image=image, sensitivity="intimate")
    client = _client(nurse)
    url = f"/api/images/{image.public_id}"
    stored = derivative_bytes(image.derivatives.get(kind="preview"))

    refused = client.get(f"{url}/original/")
    assert refused.status_code == 403
    assert "reason" in refused.json()["detail"]
    assert client.get(f"{url}/preview/").content != stored  # blurred
    assert not AuditEvent.objects.filter(
        action__in=["download", "reveal_sensitive"]
    ).exists()

    reason = "Comparing with today's wound review"
    original = client.get(f"{url}/original/", {"reason": reason})
    assert original.status_code == 200
    body = b"".join(original.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == image.sha256
    reveal = AuditEvent.objects.get(action="reveal_sensitive")
    assert (reveal.actor, reveal.reason) == (nurse, reason)
    # Revealed for that session only; another session says why again.
    assert client.get(f"{url}/preview/").content == stored
    assert _client(nurse).get(f"{url}/preview/").content != stored
    assert _client(nurse).get(f"{url}/preview/", {"reason": reason}).content == stored
    assert AuditEvent.objects.filter(action="reveal_sensitive").count() == 2


def test_the_image_list_narrows_by_coded_body_site_and_side(
    nurse: User, patient: Patient
) -> None:
    heel = capture(
        actor=nurse,
        patient=patient,
        data=jpeg_bytes(color="tan"),
        body_site_code="76853006",
        laterality="left",
    )
    capture(
        actor=nurse,
        patient=patient,
        data=jpeg_bytes(color="navy"),
        body_site_code="76853006",
        laterality="right",
    )
    capture(actor=nurse, patient=patient, data=jpeg_bytes(color="plum"))
    url = f"/api/patients/{patient.public_id}/images/"
    client = _client(nurse)

    heels = client.get(url, {"body_site_code": "76853006"}).json()["results"]
    left = client.get(url, {"body_site_code": "76853006", "laterality": "left"})

    assert len(heels) == 2
    assert [row["id"] for row in left.json()["results"]] == [str(heel.public_id)]
    unknown = client.get(url, {"body_site_code": "heel"})
    assert unknown.status_code == 400
    assert "body_site_code" in unknown.json()


@pytest.fixture
def pending_move(
    nurse: User, right_patient: Patient, wound_photo: ClinicalImage
) -> MoveRequest:
    """The nurse asked for her patient's photo to go to the patient in the next bed."""
    made = _client(nurse).post(
        f"/api/images/{wound_photo.public_id}/move-requests/",
        {"to_patient": str(right_patient.public_id), "reason": "Wrong bed"},
        format="json",
    )
    assert made.status_code == 201
    return MoveRequest.objects.get()


def test_a_colleague_lists_the_moves_waiting_for_them_but_not_their_own(
    nurse: User, colleague: User, pending_move: MoveRequest
) -> None:
    listed = _client(colleague).get("/api/move-requests/", {"status": "pending"})
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == str(pending_move.public_id)
    assert row["image"] == str(pending_move.image.public_id)
    assert (row["requested_by"], row["reason"]) == ("nurse", "Wrong bed")
    assert _client(nurse).get("/api/move-requests/").json() == []


def test_listing_decided_moves_is_a_clear_400(
    nurse: User, pending_move: MoveRequest
) -> None:
    answer = _client(nurse).get("/api/move-requests/", {"status": "approved"})
    assert answer.status_code == 400
    assert "status" in answer.json()
    assert answer.json()["detail"]


def test_a_colleague_declines_a_move_with_a_reason_and_the_image_stays(
    colleague: User, patient: Patient, pending_move: MoveRequest
) -> None:
    url = f"/api/move-requests/{pending_move.public_id}/decline/"
    declined = _client(colleague).post(
        url, {"reason": "Right patient after all"}, format="json"
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "rejected"
    assert declined.json()["decided_by"] == "colleague"
    pending_move.image.refresh_from_db()
    assert pending_move.image.patient == patient
    events = AuditEvent.objects.filter(action="move_declined")
    assert {e.reason for e in events} == {"Right patient after all"}
    assert events.count() == 2  # one on each patient's access report
    again = _client(colleague).post(url, {"reason": "Twice"}, format="json")
    assert again.status_code == 409
    assert "already been decided" in again.json()["detail"]
    assert AuditEvent.objects.filter(action="move_declined").count() == 2


def test_declining_without_a_reason_or_ones_own_move_is_refused_and_writes_nothing(
    nurse: User, colleague: User, pending_move: MoveRequest
) -> None:
    url = f"/api/move-requests/{pending_move.public_id}/decline/"
    before = AuditEvent.objects.count()
    blank = _client(colleague).post(url, {"reason": " "}, format="json")
    assert blank.status_code == 400
    assert "reason" in blank.json()
    own = _client(nurse).post(url, {"reason": "Changed my mind"}, format="json")
    assert own.status_code == 403
    assert "second person" in own.json()["detail"]
    pending_move.refresh_from_db()
    assert pending_move.status == MoveRequest.Status.PENDING
    assert AuditEvent.objects.count() == before


def test_a_move_the_caller_may_not_see_is_not_found(
    outsider: User, pending_move: MoveRequest
) -> None:
    before = AuditEvent.objects.count()
    for action in ("approve", "decline"):
        answer = _client(outsider).post(
            f"/api/move-requests/{pending_move.public_id}/{action}/",
            {"reason": "Not mine"},
            format="json",
        )
        assert answer.status_code == 404
        assert answer.json()["detail"]
    assert _client(outsider).get("/api/move-requests/").json() == []
    assert AuditEvent.objects.count() == before


def test_the_schema_lists_the_safety_endpoints_their_refusals_and_image_fields(
    nurse: User,
) -> None:
    schema = _client(nurse).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    refusals = {
        ("/api/patients/{patient_id}/handoffs/", "post"): {"404"},
        ("/api/images/{image_id}/move-requests/", "post"): {"400", "404", "409"},
        ("/api/move-requests/", "get"): {"400"},
        ("/api/move-requests/{move_id}/approve/", "post"): {"403", "404", "409"},
        ("/api/move-requests/{move_id}/decline/", "post"): {
            "400",
            "403",
            "404",
            "409",
        },
    }
    for (path, method), codes in refusals.items():
        assert codes <= set(paths[path][method]["responses"]), (path, method)
    image = schema["components"]["schemas"]["ImageDetail"]["properties"]
    for name in ("sensitive", "body_site_code", "laterality", "consent_withdrawn_at"):
        assert name in image, name
    decline = paths["/api/move-requests/{move_id}/decline/"]["post"]
    assert "requestBody" in decline
