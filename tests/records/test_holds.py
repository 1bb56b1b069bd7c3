"""Legal holds cover patients or images until explicitly released, with a reason."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from legal.holds import is_under_hold, place_legal_hold, release_legal_hold
from legal.models import LegalHold
from records.models import Patient
from tests.factories import capture, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_a_patient_hold_covers_every_image_of_the_patient(
    legal_officer: User, nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    place_legal_hold(
        actor=legal_officer, reason="Claim foreshadowed", patients=[patient]
    )
    later = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    assert is_under_hold(wound_photo)
    assert is_under_hold(later)
    event = AuditEvent.objects.get(action="hold_placed")
    assert event.patient_public_id == patient.public_id
    assert event.reason == "Claim foreshadowed"


def test_an_image_hold_covers_only_that_image(
    records_manager: User, nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    other = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    place_legal_hold(actor=records_manager, reason="Complaint", images=[wound_photo])
    assert is_under_hold(wound_photo)
    assert not is_under_hold(other)


def test_release_needs_a_reason_and_ends_the_hold(
    legal_officer: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    hold = place_legal_hold(actor=legal_officer, reason="Subpoena", patients=[patient])
    with pytest.raises(ValidationError):
        release_legal_hold(actor=legal_officer, hold=hold, reason=" ")
    assert is_under_hold(wound_photo)
    release_legal_hold(actor=legal_officer, hold=hold, reason="Matter settled")
    assert not is_under_hold(wound_photo)
    assert AuditEvent.objects.filter(action="hold_released").count() == 1
    with pytest.raises(ValidationError):
        release_legal_hold(actor=legal_officer, hold=hold, reason="again")


def test_ward_staff_cannot_place_or_release_holds_and_nothing_is_written(
    nurse: User, legal_officer: User, patient: Patient
) -> None:
    with pytest.raises(PermissionDenied):
        place_legal_hold(actor=nurse, reason="Curious", patients=[patient])
    assert not LegalHold.objects.exists()
    hold = place_legal_hold(actor=legal_officer, reason="Inquest", patients=[patient])
    with pytest.raises(PermissionDenied):
        release_legal_hold(actor=nurse, hold=hold, reason="No longer needed")
    hold.refresh_from_db()
    assert hold.is_active


def test_a_hold_needs_a_scope(legal_officer: User) -> None:
    with pytest.raises(ValidationError):
        place_legal_hold(actor=legal_officer, reason="Nothing")
    assert not LegalHold.objects.exists()
