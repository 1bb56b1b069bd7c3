"""What follows a wrong-patient move: who decides it, keep-until dates, paper copies."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from hardcopy.models import HardCopy
from hardcopy.selectors import hard_copies_to_retrieve
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage, MoveRequest
from imaging.safety.moves import (
    approve_move,
    decline_move,
    moves_awaiting,
    request_move,
)
from records.models import Facility, Patient, Ward
from retention.models import RetentionRule, RetentionRuleVersion
from tests.factories import EncounterFactory, PatientFactory, capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def right_patient(ward: Ward) -> Patient:
    child = PatientFactory(
        facility=ward.facility, family_name="Right", date_of_birth=date(2015, 6, 1)
    )
    EncounterFactory(patient=child, ward=ward)
    return child


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_person_finds_the_move_waiting_and_may_decline_it(
    nurse: User,
    colleague: User,
    outsider: User,
    patient: Patient,
    right_patient: Patient,
    wound_photo: ClinicalImage,
) -> None:
    move = request_move(
        actor=nurse, image=wound_photo, to_patient=right_patient, reason="Wrong bed"
    )
    assert list(moves_awaiting(colleague)) == [move]
    assert not moves_awaiting(nurse).exists()  # never one's own
    assert not moves_awaiting(outsider).exists()  # patients they cannot see
    queue = _client(colleague).get(reverse("safety:move-queue")).content.decode()
    assert "Wrong bed" in queue
    # The second person looks at the image before deciding: its thumbnail and page.
    assert reverse("imaging:image-thumbnail", args=[wound_photo.public_id]) in queue
    assert reverse("imaging:image-detail", args=[wound_photo.public_id]) in queue

    with pytest.raises(PermissionDenied):
        decline_move(actor=nurse, move=move, reason="Mine after all")
    with pytest.raises(InvalidField):
        decline_move(actor=colleague, move=move, reason=" ")
    assert not AuditEvent.objects.filter(action="move_declined").exists()

    response = _client(colleague).post(
        reverse("safety:move-decline", args=[move.public_id]),
        {"reason": "Checked the wristband photo: right patient"},
    )
    assert response.status_code == 302
    move.refresh_from_db()
    wound_photo.refresh_from_db()
    assert move.status == MoveRequest.Status.REJECTED
    assert move.decided_by == colleague
    assert wound_photo.patient == patient
    declined = AuditEvent.objects.filter(action="move_declined")
    assert {e.patient_public_id for e in declined} == {
        patient.public_id,
        right_patient.public_id,
    }
    assert {e.reason for e in declined} == {
        "Checked the wristband photo: right patient"
    }
    assert not moves_awaiting(colleague).exists()


def test_the_keep_until_date_follows_the_right_patient(
    nurse: User,
    colleague: User,
    patient: Patient,
    right_patient: Patient,
    wound_photo: ClinicalImage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    RetentionRuleVersion.objects.all().delete()
    RetentionRule.objects.all().delete()
    RetentionRule.objects.create(
        name="Children",
        applies_to="minors",
        trigger="age",
        years=25,
        citation="Child records",
    )
    patient.date_of_birth = date(1960, 1, 1)
    patient.save(update_fields=["date_of_birth"])
    move = request_move(
        actor=nurse, image=wound_photo, to_patient=right_patient, reason="Wrong bed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve_move(actor=colleague, move=move)
    wound_photo.refresh_from_db()
    assert wound_photo.retain_until == date(2040, 6, 1)
    assert wound_photo.retention_basis.startswith("Child records")


@pytest.fixture
def paper_record(facility: Facility) -> Facility:
    facility.electronic_record = False
    facility.save(update_fields=["electronic_record"])
    return facility


def _photo_with_its_paper_copy(
    nurse: User, patient: Patient, capture_on_commit: Any
) -> tuple[ClinicalImage, HardCopy]:
    with capture_on_commit(execute=True):
        image = capture(actor=nurse, patient=patient)
    return image, HardCopy.objects.get(automatic_for=image)


def test_a_copy_not_yet_printed_is_withdrawn_and_one_queued_for_the_right_patient(
    nurse: User,
    colleague: User,
    patient: Patient,
    right_patient: Patient,
    paper_record: Facility,
    django_capture_on_commit_callbacks: Any,
) -> None:
    image, copy = _photo_with_its_paper_copy(
        nurse, patient, django_capture_on_commit_callbacks
    )
    assert copy.status == HardCopy.Status.READY
    move = request_move(actor=nurse, image=image, to_patient=right_patient, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        approve_move(actor=colleague, move=move)
    copy.refresh_from_db()
    assert copy.status == HardCopy.Status.WITHDRAWN
    assert not copy.files.filter(destroyed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        action="hard_copy_withdrawn", patient_public_id=patient.public_id
    ).exists()
    fresh = HardCopy.objects.get(patient=right_patient)
    assert fresh.status == HardCopy.Status.READY
    assert list(fresh.images.all()) == [image]
    assert not hard_copies_to_retrieve(nurse).exists()  # nothing was on paper yet


def test_a_printed_copy_is_asked_back_until_someone_confirms_it_is_out(
    nurse: User,
    colleague: User,
    patient: Patient,
    right_patient: Patient,
    paper_record: Facility,
    django_capture_on_commit_callbacks: Any,
) -> None:
    image, copy = _photo_with_its_paper_copy(
        nurse, patient, django_capture_on_commit_callbacks
    )
    client = _client(nurse)
    client.post(reverse("hardcopies:print", args=[copy.public_id]), {"file": "1"})
    client.post(reverse("hardcopies:filed", args=[copy.public_id]))
    move = request_move(actor=nurse, image=image, to_patient=right_patient, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        approve_move(actor=colleague, move=move)

    copy.refresh_from_db()
    assert copy.status == HardCopy.Status.FILED  # what happened on paper stays true
    assert copy.files.filter(destroyed_at__isnull=True).exists()
    assert list(hard_copies_to_retrieve(nurse)) == [copy]
    index = client.get(reverse("hardcopies:index")).content.decode()
    assert "Take out of the paper record" in index
    assert "CITIZEN, Jane" in index
    assert AuditEvent.objects.filter(
        action="hard_copy_retrieval", patient_public_id=patient.public_id
    ).exists()
    assert HardCopy.objects.filter(patient=right_patient).exists()

    response = client.post(reverse("hardcopies:retrieved", args=[copy.public_id]))
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.retrieved_by == nurse
    assert not hard_copies_to_retrieve(nurse).exists()
    assert (
        "Take out of the paper record"
        not in client.get(reverse("hardcopies:index")).content.decode()
    )
    event = AuditEvent.objects.get(action="hard_copy_retrieved")
    assert (event.actor, event.patient_public_id) == (nurse, patient.public_id)
    # Confirming twice changes nothing.
    client.post(reverse("hardcopies:retrieved", args=[copy.public_id]))
    assert AuditEvent.objects.filter(action="hard_copy_retrieved").count() == 1


def test_a_copy_never_asked_back_cannot_be_marked_retrieved(
    nurse: User,
    patient: Patient,
    paper_record: Facility,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, copy = _photo_with_its_paper_copy(
        nurse, patient, django_capture_on_commit_callbacks
    )
    _client(nurse).post(reverse("hardcopies:retrieved", args=[copy.public_id]))
    copy.refresh_from_db()
    assert copy.retrieved_at is None
    assert not AuditEvent.objects.filter(action="hard_copy_retrieved").exists()


def test_the_move_queue_gives_times_on_the_facilitys_clock(
    nurse: User,
    colleague: User,
    facility: Facility,
    right_patient: Patient,
    wound_photo: ClinicalImage,
) -> None:
    Facility.objects.filter(pk=facility.pk).update(time_zone="Australia/Perth")
    with time_machine.travel(datetime(2026, 3, 4, 1, 30, tzinfo=UTC), tick=False):
        request_move(
            actor=nurse, image=wound_photo, to_patient=right_patient, reason="Bed 4"
        )
    queue = _client(colleague).get(reverse("safety:move-queue")).content.decode()
    assert "on 04/03/2026 09:30" in queue  # 01:30 UTC is 09:30 in Perth
