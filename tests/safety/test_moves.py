"""An image on the wrong patient moves only when a second person approves."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from audit.models import AuditEvent
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage, MoveRequest
from imaging.safety.moves import MoveConflict, approve_move, request_move
from records.models import Patient

pytestmark = pytest.mark.django_db


def test_a_move_needs_a_second_person_and_keeps_the_history(
    nurse: User,
    colleague: User,
    patient: Patient,
    right_patient: Patient,
    wound_photo: ClinicalImage,
) -> None:
    move = request_move(
        actor=nurse, image=wound_photo, to_patient=right_patient, reason="Wrong bed"
    )
    wound_photo.refresh_from_db()
    assert wound_photo.patient == patient  # nothing moves on request
    with pytest.raises(PermissionDenied):
        approve_move(actor=nurse, move=move)
    approve_move(actor=colleague, move=move)
    wound_photo.refresh_from_db()
    assert wound_photo.patient == right_patient
    move.refresh_from_db()
    assert move.status == "approved"
    assert move.decided_by == colleague
    # The upload event stays on the first patient; the move shows on both.
    upload = AuditEvent.objects.get(
        action="upload", object_id=str(wound_photo.public_id)
    )
    assert upload.patient_public_id == patient.public_id
    moved = AuditEvent.objects.filter(action="move_approved")
    assert {e.patient_public_id for e in moved} == {
        patient.public_id,
        right_patient.public_id,
    }


def test_a_records_manager_may_approve_and_the_page_history_names_both_patients(
    nurse: User,
    records_manager: User,
    patient: Patient,
    right_patient: Patient,
    wound_photo: ClinicalImage,
) -> None:
    move = request_move(
        actor=nurse, image=wound_photo, to_patient=right_patient, reason="x"
    )
    approve_move(actor=records_manager, move=move)
    wound_photo.refresh_from_db()
    assert wound_photo.patient == right_patient
    client = Client()
    client.force_login(records_manager)
    html = client.get(f"/images/{wound_photo.public_id}/").content.decode()
    history = html.split('id="history-h"')[1]
    assert f"from MRN {patient.mrn} to MRN {right_patient.mrn}" in history
    # The upload is filed under the first patient, the page view under the right one.
    assert f"<td>{patient.mrn}</td>" in history
    assert f"<td>{right_patient.mrn}</td>" in history


def test_a_move_needs_a_reason_and_a_different_patient(
    nurse: User, patient: Patient, right_patient: Patient, wound_photo: ClinicalImage
) -> None:
    with pytest.raises(InvalidField):
        request_move(
            actor=nurse, image=wound_photo, to_patient=right_patient, reason=" "
        )
    with pytest.raises(InvalidField):
        request_move(actor=nurse, image=wound_photo, to_patient=patient, reason="same")
    assert not MoveRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="move_requested").exists()


def test_one_pending_move_per_image_and_decided_once(
    nurse: User, colleague: User, right_patient: Patient, wound_photo: ClinicalImage
) -> None:
    move = request_move(
        actor=nurse, image=wound_photo, to_patient=right_patient, reason="a"
    )
    with pytest.raises(MoveConflict):
        request_move(
            actor=colleague, image=wound_photo, to_patient=right_patient, reason="b"
        )
    approve_move(actor=colleague, move=move)
    with pytest.raises(MoveConflict):
        approve_move(actor=colleague, move=move)
