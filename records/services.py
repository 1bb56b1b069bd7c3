"""Facts about a patient that other apps date things by: death, occasions of service.

Every change announces itself through records.hooks.patient_facts_changed, so retention
re-dates the patient's images the moment a fact changes (the ADT feed calls these too).
"""

from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from records import hooks
from records.models import Encounter, Patient, Ward


def _check(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only records managers change retention facts.")


def _announce(patient: Patient) -> None:
    # Retention re-dates the patient's images at once (it subscribes in its ready()).
    for changed in hooks.patient_facts_changed:
        changed(patient)


@transaction.atomic
def record_death(
    *,
    actor: User,
    patient: Patient,
    date_of_death: date,
    request: HttpRequest | None = None,
) -> Patient:
    """Record the date a patient died; their images' retention is recomputed."""
    _check(actor)
    if date_of_death > timezone.localdate():
        raise ValidationError({"date_of_death": "A date of death cannot be ahead."})
    if patient.date_of_birth and date_of_death < patient.date_of_birth:
        raise ValidationError({"date_of_death": "Death cannot precede birth."})
    patient.date_of_death = date_of_death
    patient.save(update_fields=["date_of_death"])
    record_event(
        actor=actor,
        action=Action.EDIT,
        target=patient,
        patient=patient,
        request=request,
        detail={"date_of_death": date_of_death.isoformat()},
    )
    _announce(patient)
    return patient


@transaction.atomic
def record_encounter(
    *,
    actor: User,
    patient: Patient,
    ward: Ward,
    started_at: datetime,
    ended_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Encounter:
    """Record an occasion of service; a returning patient's images are kept longer."""
    _check(actor)
    if ward.facility_id != patient.facility_id:
        raise ValidationError({"ward": "The ward is at another facility."})
    encounter = Encounter(
        patient=patient, ward=ward, started_at=started_at, ended_at=ended_at
    )
    encounter.full_clean()
    encounter.save()
    record_event(
        actor=actor,
        action=Action.CREATE,
        target=encounter,
        patient=patient,
        request=request,
    )
    _announce(patient)
    return encounter
