"""Rules and people for retention tests: NSW private-sector presets, closed encounters."""

import importlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import User

from imaging.models import ClinicalImage
from imaging.services.derivatives import make_derivatives
from records.models import Encounter, Facility, Patient, Ward
from retention.compute import recompute_retention
from retention.disposal import carry_out_disposal
from retention.models import (
    DisposalBatch,
    DisposalFreeze,
    RetentionRule,
    RetentionRuleVersion,
)
from retention.review import approve_disposal
from retention.sweep import sweep_retention
from tests.factories import EncounterFactory, PatientFactory, capture

SYDNEY = ZoneInfo("Australia/Sydney")
# Eight years after the demo photos are taken: an adult's images are due by then.
DUE_DAY = datetime.now(tz=SYDNEY).date().replace(day=1) + timedelta(days=366 * 8)


def dispose_of_due(first: User, second: User) -> DisposalBatch:
    """Propose the due images, approve them twice and destroy them after the wait."""
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        approve_disposal(actor=first, batch=batch)
        approve_disposal(actor=second, batch=batch)
    with time_machine.travel(DUE_DAY + timedelta(days=8)):
        carry_out_disposal(batch_id=batch.pk)
    return batch


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SYDNEY)


@pytest.fixture
def nsw_rules(db: None) -> list[RetentionRule]:
    """Only the two NSW private-sector rules (verified), so each test knows what applies."""
    RetentionRuleVersion.objects.all().delete()
    RetentionRule.objects.all().delete()
    adult = RetentionRule.objects.create(
        name="NSW adult",
        jurisdiction="NSW",
        trigger="last_service",
        years=7,
        citation="NSW HRIPA s25",
        needs_verification=False,
    )
    child = RetentionRule.objects.create(
        name="NSW child",
        jurisdiction="NSW",
        applies_to="minors",
        trigger="age",
        years=25,
        citation="NSW HRIPA s25",
        needs_verification=False,
    )
    return [adult, child]


def patient_seen(
    ward: Ward, *, born: date | None, last_seen: date, **fields: object
) -> Patient:
    """A patient on the ward since last_seen (Sydney time): close_stay ends it then."""
    person = PatientFactory(facility=ward.facility, date_of_birth=born, **fields)
    EncounterFactory(patient=person, ward=ward, started_at=at(last_seen, 8))
    return person


def close_stays(person: Patient) -> None:
    """Discharge: each open encounter ends two hours after it began."""
    for stay in Encounter.objects.filter(patient=person, ended_at__isnull=True):
        stay.ended_at = stay.started_at + timedelta(hours=2)
        stay.save()


def photo_of(
    nurse: User, person: Patient, taken: date, *, discharge: bool = True
) -> ClinicalImage:
    """A photo taken during the stay; the patient is then discharged."""
    image = capture(actor=nurse, patient=person, captured_at=at(taken, 9))
    if discharge:
        close_stays(person)
    return image


@pytest.fixture
def nsw_facility(facility: Facility) -> Facility:
    facility.jurisdiction, facility.sector = "NSW", "private"
    facility.save()
    return facility


@pytest.fixture
def due_photo(
    nsw_facility: Facility, nsw_rules: list[RetentionRule], wound_photo: ClinicalImage
) -> ClinicalImage:
    """An adult's photo, the stay over: kept until 7 years after, due by DUE_DAY."""
    close_stays(wound_photo.patient)
    make_derivatives(image_id=wound_photo.pk)
    recompute_retention()
    wound_photo.refresh_from_db()
    assert wound_photo.retain_until is not None
    assert wound_photo.retain_until < DUE_DAY
    return wound_photo


@pytest.fixture
def schedule_presets(db: None) -> None:
    """The schedules and freezes the migrations ship, as a fresh database has them.

    A transactional test that ran earlier in the same worker flushes every table,
    migration data included; the tests of the shipped law need it back.
    """
    if not DisposalFreeze.objects.exists():
        presets = importlib.import_module("retention.migrations.0003_schedule_presets")
        presets.load(django_apps, None)
