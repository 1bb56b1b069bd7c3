"""Shared cast for the clinical-safety tests: the patient in the next bed, a colleague."""

import pytest
from django.contrib.auth.models import User

from records.models import Patient, Ward
from tests.factories import EncounterFactory, PatientFactory, staff_on


@pytest.fixture
def right_patient(ward: Ward) -> Patient:
    """Another patient on the nurse's ward: the right one for a misfiled photo."""
    other = PatientFactory(facility=ward.facility, family_name="Right")
    EncounterFactory(patient=other, ward=ward)
    return other


@pytest.fixture
def colleague(ward: Ward) -> User:
    """Ward staff on the nurse's ward: the second person for a move."""
    return staff_on(ward, username="colleague")
