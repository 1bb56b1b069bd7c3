"""Where the facility asks for it, a wristband that does not match stores nothing."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage
from imaging.services.capture import wristband_matches
from records.models import Patient
from tests.factories import capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def wristband_patient(patient: Patient) -> Patient:
    patient.facility.requires_wristband_scan = True
    patient.facility.save()
    return patient


def test_a_mismatched_wristband_refuses_the_upload_and_stores_nothing(
    nurse: User, wristband_patient: Patient, media_root: Path
) -> None:
    with pytest.raises(InvalidField, match="does not match"):
        capture(actor=nurse, patient=wristband_patient, wristband="999999")
    with pytest.raises(InvalidField):
        capture(actor=nurse, patient=wristband_patient)
    assert not ClinicalImage.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_matching_wristband_lets_the_upload_through(
    nurse: User, wristband_patient: Patient
) -> None:
    scanned = f"{wristband_patient.facility.code}:{wristband_patient.mrn}"
    image = capture(actor=nurse, patient=wristband_patient, wristband=scanned)
    assert image.patient == wristband_patient


def test_wristband_formats(patient: Patient) -> None:
    assert wristband_matches(patient.mrn, patient)
    assert wristband_matches(
        f" {patient.facility.code.lower()}-{patient.mrn} ", patient
    )
    assert not wristband_matches("", patient)
    assert not wristband_matches(patient.mrn + "1", patient)
