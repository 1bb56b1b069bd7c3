"""Hand-off links open capture on the phone for one user, one patient, once, briefly."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import AuditEvent
from imaging.exceptions import PatientNotFound
from imaging.models import CaptureHandoff
from imaging.safety.handoff import HandoffRefused, create_handoff, open_handoff
from records.models import Patient, StaffMembership

pytestmark = pytest.mark.django_db


def refusal() -> AuditEvent:
    """The one refusal event the attempt left."""
    return AuditEvent.objects.get(action="handoff_refused")


def test_a_fresh_link_opens_once_for_its_maker(nurse: User, patient: Patient) -> None:
    handoff, token = create_handoff(actor=nurse, patient=patient)
    opened = open_handoff(actor=nurse, token=token)
    assert opened.patient == patient
    assert opened.opened_at is not None
    event = AuditEvent.objects.get(action="handoff_created")
    assert event.patient_public_id == patient.public_id
    assert AuditEvent.objects.filter(action="handoff_opened", actor=nurse).exists()
    assert not AuditEvent.objects.filter(action="handoff_refused").exists()
    # Only a digest of the token is kept.
    assert token not in handoff.token_sha256


def test_a_replayed_link_is_refused_and_the_attempt_audited(
    nurse: User, patient: Patient
) -> None:
    handoff, token = create_handoff(actor=nurse, patient=patient)
    open_handoff(actor=nurse, token=token)
    with pytest.raises(HandoffRefused):
        open_handoff(actor=nurse, token=token)
    event = refusal()
    assert (event.actor, event.object_id) == (nurse, str(handoff.public_id))
    assert event.patient_public_id == patient.public_id
    assert event.detail["why"] == "already_used"
    assert AuditEvent.objects.filter(action="handoff_opened").count() == 1


def test_an_expired_link_is_refused_and_the_attempt_audited(
    nurse: User, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        pytest.raises(HandoffRefused),
    ):
        open_handoff(actor=nurse, token=token)
    assert CaptureHandoff.objects.get().opened_at is None
    assert refusal().detail["why"] == "expired"
    assert not AuditEvent.objects.filter(action="handoff_opened").exists()


def test_another_users_link_is_refused_audited_and_not_spent(
    nurse: User, outsider: User, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    with pytest.raises(HandoffRefused):
        open_handoff(actor=outsider, token=token)
    event = refusal()
    assert event.actor == outsider
    assert event.detail == {"why": "another_users_link", "made_by": "nurse"}
    # The rightful user can still use it.
    assert open_handoff(actor=nurse, token=token).patient == patient


def test_a_link_to_a_patient_no_longer_on_the_users_ward_is_refused(
    nurse: User, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    StaffMembership.objects.filter(user=nurse).delete()
    moved_on = User.objects.get(pk=nurse.pk)  # a new request: no cached wards
    with pytest.raises(HandoffRefused, match="no longer have access"):
        open_handoff(actor=moved_on, token=token)
    assert CaptureHandoff.objects.get().opened_at is None
    assert refusal().detail["why"] == "no_access_to_patient"


def test_a_token_nobody_made_is_refused_and_writes_nothing(nurse: User) -> None:
    with pytest.raises(HandoffRefused):
        open_handoff(actor=nurse, token="not-a-real-token")
    assert not AuditEvent.objects.exists()


def test_no_link_for_a_patient_the_user_cannot_see(
    outsider: User, patient: Patient
) -> None:
    with pytest.raises(PatientNotFound):
        create_handoff(actor=outsider, patient=patient)
    assert not CaptureHandoff.objects.exists()
    assert not AuditEvent.objects.filter(action="handoff_created").exists()
