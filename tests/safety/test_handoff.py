"""Hand-off links open capture on the phone for one user, one patient, once, briefly."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import AuditEvent
from imaging.exceptions import PatientNotFound
from imaging.safety.handoff import (
    HandoffRefused,
    bound_patient_matches,
    create_handoff,
    open_handoff,
)
from imaging.safety.models import CaptureHandoff
from records.models import Patient

pytestmark = pytest.mark.django_db


def test_a_fresh_link_opens_once_for_its_maker(nurse: User, patient: Patient) -> None:
    handoff, token = create_handoff(actor=nurse, patient=patient)
    opened = open_handoff(actor=nurse, token=token)
    assert opened.patient == patient
    assert bound_patient_matches(opened, patient)
    event = AuditEvent.objects.get(action="handoff_created")
    assert event.patient_public_id == patient.public_id
    # Only a digest of the token is kept.
    assert token not in handoff.token_sha256


def test_a_replayed_link_is_refused(nurse: User, patient: Patient) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    open_handoff(actor=nurse, token=token)
    with pytest.raises(HandoffRefused):
        open_handoff(actor=nurse, token=token)


def test_an_expired_link_is_refused(nurse: User, patient: Patient) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        pytest.raises(HandoffRefused),
    ):
        open_handoff(actor=nurse, token=token)
    assert CaptureHandoff.objects.get().opened_at is None


def test_another_users_link_is_refused(
    nurse: User, outsider: User, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    with pytest.raises(HandoffRefused):
        open_handoff(actor=outsider, token=token)
    # The rightful user can still use it.
    assert open_handoff(actor=nurse, token=token).patient == patient


def test_a_binding_refuses_uploads_for_another_patient(
    nurse: User, patient: Patient, ward: object
) -> None:
    from tests.factories import EncounterFactory, PatientFactory

    neighbour = PatientFactory(facility=patient.facility, family_name="Neighbour")
    EncounterFactory(patient=neighbour, ward=ward)
    _, token = create_handoff(actor=nurse, patient=patient)
    binding = open_handoff(actor=nurse, token=token)
    assert not bound_patient_matches(binding, neighbour)


def test_no_link_for_a_patient_the_user_cannot_see(
    outsider: User, patient: Patient
) -> None:
    with pytest.raises(PatientNotFound):
        create_handoff(actor=outsider, patient=patient)
    assert not CaptureHandoff.objects.exists()
    assert not AuditEvent.objects.filter(action="handoff_created").exists()
