"""The database itself refuses data that must never exist."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from imaging.models import ClinicalImage, Derivative
from records.models import Encounter, Facility, Patient, Ward
from tests.factories import PatientFactory, WardFactory

pytestmark = pytest.mark.django_db


def _refused(make: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_mrn_is_unique_within_a_facility_but_not_across(facility: Facility) -> None:
    PatientFactory(facility=facility, mrn="123")
    _refused(lambda: PatientFactory(facility=facility, mrn="123"))
    other = Facility.objects.create(
        code="WCH",
        name="Wattle",
        jurisdiction="WA",
        sector="public",
        time_zone="Australia/Perth",
    )
    assert PatientFactory(facility=other, mrn="123").pk


def test_patient_needs_an_mrn_and_a_family_name(facility: Facility) -> None:
    _refused(lambda: PatientFactory(facility=facility, mrn=""))
    _refused(lambda: PatientFactory(facility=facility, family_name=""))


def test_death_cannot_precede_birth(facility: Facility) -> None:
    today = timezone.localdate()
    _refused(
        lambda: PatientFactory(
            facility=facility,
            date_of_birth=today,
            date_of_death=today - timedelta(days=1),
        )
    )


def test_unknown_sex_code_is_refused(facility: Facility) -> None:
    _refused(lambda: PatientFactory(facility=facility, sex="x"))


def test_facility_codes_are_checked(db: None) -> None:
    _refused(
        lambda: Facility.objects.create(
            code="B",
            name="Bad",
            jurisdiction="XX",
            sector="public",
            time_zone="Australia/Perth",
        )
    )
    _refused(
        lambda: Facility.objects.create(
            code="",
            name="Bad",
            jurisdiction="NSW",
            sector="public",
            time_zone="Australia/Perth",
        )
    )


def test_ward_code_is_unique_within_a_facility(ward: Ward) -> None:
    _refused(lambda: WardFactory(facility=ward.facility, code=ward.code))


def test_encounter_cannot_end_before_it_starts(patient: Patient, ward: Ward) -> None:
    now = timezone.now()
    _refused(
        lambda: Encounter.objects.create(
            patient=patient,
            ward=ward,
            started_at=now,
            ended_at=now - timedelta(hours=1),
        )
    )


def _image(patient: Patient, user: User, **overrides: Any) -> ClinicalImage:
    now = timezone.now()
    fields: dict[str, Any] = {
        "patient": patient,
        "storage_name": "originals/x.enc",
        "sha256": hashlib.sha256(b"x").hexdigest(),
        "size_bytes": 10,
        "content_type": "image/jpeg",
        "width": 10,
        "height": 10,
        "captured_at": now - timedelta(minutes=5),
        "captured_by": user,
        "capture_mode": "personal_mobile",
        "uploaded_by": user,
        "uploaded_at": now,
        "upload_channel": "api",
        "consent_kind": "verbal",
        "consent_recorded_by": user,
    }
    fields.update(overrides)
    return ClinicalImage.objects.create(**fields)


def test_a_well_formed_image_row_is_accepted(patient: Patient, nurse: User) -> None:
    assert _image(patient, nurse).pk


@pytest.mark.parametrize(
    "overrides",
    [
        {"sha256": "not-a-hash"},
        {"sha256": "A" * 64},
        {"size_bytes": 0},
        {"width": 0},
        {"captured_at": timezone.now() + timedelta(days=1)},
        {"captured_by": None, "captured_by_name": ""},
        {"capture_mode": "telepathy"},
        {"content_type": "image/gif"},
        {"upload_channel": "fax"},
        {"consent_kind": "assumed"},
        {"laterality": "sideways"},
        {"storage_name": ""},
        {"status": "disposed"},
        {"status": "lost"},
    ],
    ids=lambda o: "-".join(o),
)
def test_image_rows_that_break_an_invariant_are_refused(
    patient: Patient, nurse: User, overrides: dict[str, Any]
) -> None:
    _refused(lambda: _image(patient, nurse, **overrides))


def test_idempotency_key_is_unique_per_uploader(patient: Patient, nurse: User) -> None:
    _image(patient, nurse, idempotency_key="k1")
    _refused(
        lambda: _image(
            patient,
            nurse,
            idempotency_key="k1",
            sha256=hashlib.sha256(b"y").hexdigest(),
        )
    )
    # Blank keys (no idempotency requested) never collide.
    _image(patient, nurse)
    _image(patient, nurse)


def test_one_derivative_of_each_kind(patient: Patient, nurse: User) -> None:
    image = _image(patient, nurse)
    fields = {
        "image": image,
        "kind": "thumbnail",
        "storage_name": "d",
        "width": 1,
        "height": 1,
        "size_bytes": 1,
        "sha256": "0" * 64,
    }
    Derivative.objects.create(**fields)
    _refused(lambda: Derivative.objects.create(**fields))
    _refused(lambda: Derivative.objects.create(**{**fields, "kind": "poster"}))
