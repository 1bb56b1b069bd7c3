"""The access rule: who sees which patients (records.selectors, the one place)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.roles import Role
from records.models import Patient, StaffMembership, Ward
from records.search import search_patients
from records.selectors import patients_searchable_by, patients_visible_to
from tests.factories import (
    EncounterFactory,
    FacilityFactory,
    PatientFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


def discharged(ward: Ward, days_ago: int) -> Patient:
    patient = PatientFactory(facility=ward.facility)
    ended = timezone.now() - timedelta(days=days_ago)
    EncounterFactory(
        patient=patient, ward=ward, started_at=ended - timedelta(days=3), ended_at=ended
    )
    return patient


def test_ward_staff_see_patients_discharged_within_the_access_window(
    nurse: User, ward: Ward
) -> None:
    recent, old = discharged(ward, 29), discharged(ward, 31)
    visible = set(patients_visible_to(nurse))
    assert recent in visible
    assert old not in visible


def test_the_access_window_comes_from_settings(
    nurse: User, ward: Ward, settings: object
) -> None:
    settings.CUSTODIAN_WARD_ACCESS_DAYS = 7  # type: ignore[attr-defined]
    assert discharged(ward, 8) not in set(patients_visible_to(nurse))


def test_ward_staff_do_not_see_other_wards_patients(
    nurse: User, patient: Patient, other_patient: Patient
) -> None:
    assert set(patients_visible_to(nurse)) == {patient}


def test_records_managers_and_privacy_officers_see_their_facilities_only(
    records_manager: User,
    privacy_officer: User,
    patient: Patient,
    other_patient: Patient,
) -> None:
    elsewhere = PatientFactory(facility=FacilityFactory(code="FAR"))
    for user in (records_manager, privacy_officer):
        assert set(patients_visible_to(user)) == {patient, other_patient}
        assert elsewhere not in set(patients_visible_to(user))


def test_legal_officers_search_demographics_but_open_no_record(
    legal_officer: User, patient: Patient
) -> None:
    assert not patients_visible_to(legal_officer).exists()
    assert list(patients_searchable_by(legal_officer)) == [patient]
    found = list(search_patients(legal_officer, text="Citizen"))
    assert found == [patient]
    assert not found[0].can_open  # type: ignore[attr-defined]


def test_administrators_see_no_patients_unless_they_hold_a_clinical_role(
    administrator: User, patient: Patient, ward: Ward
) -> None:
    assert not patients_visible_to(administrator).exists()
    assert not patients_searchable_by(administrator).exists()

    from records.models import StaffMembership

    administrator.groups.add(Group.objects.get(name=Role.WARD_STAFF))
    StaffMembership.objects.create(user=administrator, ward=ward)
    fresh = User.objects.get(pk=administrator.pk)
    assert list(patients_visible_to(fresh)) == [patient]


def test_an_inactive_user_sees_nothing(nurse: User, patient: Patient) -> None:
    nurse.is_active = False
    assert not patients_visible_to(nurse).exists()


def test_the_rule_is_subqueries_without_joins_or_distinct(
    nurse: User, records_manager: User, legal_officer: User
) -> None:
    for user in (nurse, records_manager):
        sql = str(patients_visible_to(user).values("pk").query).upper()
        assert "DISTINCT" not in sql
        assert " JOIN " not in sql
        assert " IN (SELECT" in sql
    sql = str(patients_searchable_by(legal_officer).values("pk").query).upper()
    assert "DISTINCT" not in sql
    assert " JOIN " not in sql


def test_search_finds_by_mrn_name_and_date_of_birth(
    nurse: User, patient: Patient
) -> None:
    assert list(search_patients(nurse, text=patient.mrn)) == [patient]
    assert list(search_patients(nurse, text="citizen, ja")) == [patient]
    assert list(search_patients(nurse, text="Jane Citizen")) == [patient]
    assert list(search_patients(nurse, date_of_birth=patient.date_of_birth)) == [
        patient
    ]
    assert not search_patients(nurse, text="Nobody").exists()


def test_search_never_finds_patients_the_user_may_not_see(
    nurse: User, other_patient: Patient
) -> None:
    assert not search_patients(nurse, text="Other").exists()
    assert not search_patients(nurse, text=other_patient.mrn).exists()


def test_ward_staff_on_a_second_ward_see_both_wards(
    nurse: User, patient: Patient
) -> None:
    second = WardFactory(facility=patient.facility)
    StaffMembership.objects.create(user=nurse, ward=second)
    there = PatientFactory(facility=patient.facility)
    EncounterFactory(patient=there, ward=second)
    assert set(patients_visible_to(nurse)) == {patient, there}
