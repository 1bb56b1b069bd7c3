"""What the PAS tells us through the ADT feed, as records' own services (actor None).

The feed (interop) maps each HL7 message to one of these and runs it in the transaction
that also writes its journal row. Each change records its audit event with no actor and a
detail naming the feed (`via`), and announces patient_facts_changed when an occasion of
service or a death changed, so retention re-dates the patient's images at once.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from audit.services import Action, record_event
from records import hooks
from records.models import (
    Encounter,
    Facility,
    IdentifierType,
    Patient,
    PatientIdentifier,
    Ward,
    WardStay,
)


@dataclass(frozen=True)
class Demographics:
    """What PID says about the person, already read and checked."""

    family_name: str
    given_names: str
    date_of_birth: date | None
    sex: str
    stated_at: datetime
    ihi: str | None = None
    date_of_death: date | None = None


def _announce(patient: Patient) -> None:
    for changed in hooks.patient_facts_changed:
        changed(patient)


def find_patient(facility: Facility, mrn: str) -> Patient | None:
    """The patient of this MRN at the facility, or the survivor it was merged into."""
    patient = Patient.objects.filter(facility=facility, mrn=mrn).first()
    seen: set[int] = set()
    while patient is not None and patient.merged_into_id and patient.pk not in seen:
        seen.add(patient.pk)
        patient = Patient.objects.get(pk=patient.merged_into_id)
    return patient


def _keep_identifiers(patient: Patient, ihi: str | None) -> None:
    PatientIdentifier.objects.get_or_create(
        type=IdentifierType.MRN,
        system=patient.facility.code,
        value=patient.mrn,
        defaults={"patient": patient},
    )
    if ihi:
        PatientIdentifier.objects.get_or_create(
            type=IdentifierType.IHI,
            system="AUSHIC",
            value=ihi,
            defaults={"patient": patient},
        )


@transaction.atomic
def register_patient(
    *, facility: Facility, mrn: str, facts: Demographics, via: str
) -> Patient:
    """A patient the PAS announced for the first time."""
    patient = Patient(
        facility=facility,
        mrn=mrn,
        family_name=facts.family_name,
        given_names=facts.given_names,
        date_of_birth=facts.date_of_birth,
        sex=facts.sex,
        date_of_death=facts.date_of_death,
        demographics_updated_at=facts.stated_at,
    )
    patient.full_clean()
    patient.save()
    _keep_identifiers(patient, facts.ihi)
    record_event(
        actor=None,
        action=Action.CREATE,
        target=patient,
        patient=patient,
        detail={"via": via},
    )
    return patient


@transaction.atomic
def update_demographics(*, patient: Patient, facts: Demographics, via: str) -> bool:
    """Apply what the PAS says now, unless we already applied something said later."""
    if patient.demographics_updated_at and facts.stated_at < (
        patient.demographics_updated_at
    ):
        return False
    changed = {
        name: value
        for name, value in (
            ("family_name", facts.family_name),
            ("given_names", facts.given_names),
            ("date_of_birth", facts.date_of_birth),
            ("sex", facts.sex),
        )
        if getattr(patient, name) != value
    }
    died = facts.date_of_death is not None and facts.date_of_death != (
        patient.date_of_death
    )
    if died:
        changed["date_of_death"] = facts.date_of_death
    for name, value in changed.items():
        setattr(patient, name, value)
    patient.demographics_updated_at = facts.stated_at
    patient.full_clean()
    patient.save()
    _keep_identifiers(patient, facts.ihi)
    if changed:
        record_event(
            actor=None,
            action=Action.EDIT,
            target=patient,
            patient=patient,
            detail={"via": via, "changed": sorted(changed)},
        )
    if died:
        _announce(patient)
    return bool(changed)


@transaction.atomic
def record_reported_death(*, patient: Patient, date_of_death: date, via: str) -> None:
    """The PAS reports a death (PID-29/30 or a discharge disposition)."""
    if patient.date_of_death == date_of_death:
        return
    patient.date_of_death = date_of_death
    patient.full_clean()
    patient.save(update_fields=["date_of_death"])
    record_event(
        actor=None,
        action=Action.EDIT,
        target=patient,
        patient=patient,
        detail={"via": via, "date_of_death": date_of_death.isoformat()},
    )
    _announce(patient)


def open_encounter_for(patient: Patient, visit_number: str) -> Encounter | None:
    """The visit's open encounter, else the patient's latest open one if no number."""
    encounters = patient.encounters.filter(ended_at__isnull=True)
    if visit_number:
        return encounters.filter(visit_number=visit_number).first()
    return encounters.order_by("-started_at").first()


@transaction.atomic
def admit(
    *, patient: Patient, ward: Ward, visit_number: str, started_at: datetime, via: str
) -> Encounter:
    """Open an encounter (A01, A04); the same visit again changes nothing."""
    if visit_number:
        known = patient.encounters.filter(visit_number=visit_number).first()
        if known is not None:
            return known
    encounter = Encounter(
        patient=patient, ward=ward, visit_number=visit_number, started_at=started_at
    )
    encounter.full_clean()
    encounter.save()
    record_event(
        actor=None,
        action=Action.CREATE,
        target=encounter,
        patient=patient,
        detail={"via": via, "ward": ward.code, "visit_number": visit_number},
    )
    _announce(patient)
    return encounter


def _on_ward_since(encounter: Encounter) -> datetime:
    last = encounter.ward_stays.order_by("-ended_at").first()
    return last.ended_at if last is not None else encounter.started_at


@transaction.atomic
def transfer(*, encounter: Encounter, ward: Ward, moved_at: datetime, via: str) -> None:
    """Move the encounter to another ward; the ward left keeps a stay (and access)."""
    if encounter.ward_id == ward.pk:
        return
    left = encounter.ward
    since = _on_ward_since(encounter)
    WardStay.objects.create(
        encounter=encounter,
        patient_id=encounter.patient_id,
        ward=left,
        started_at=since,
        ended_at=max(moved_at, since),
    )
    encounter.ward = ward
    encounter.save(update_fields=["ward"])
    record_event(
        actor=None,
        action=Action.EDIT,
        target=encounter,
        patient=encounter.patient,
        detail={"via": via, "from_ward": left.code, "to_ward": ward.code},
    )


@transaction.atomic
def discharge(*, encounter: Encounter, ended_at: datetime, via: str) -> None:
    """End the encounter (A03): the last occasion of service re-dates the images."""
    encounter.ended_at = max(ended_at, encounter.started_at)
    encounter.save(update_fields=["ended_at"])
    record_event(
        actor=None,
        action=Action.EDIT,
        target=encounter,
        patient=encounter.patient,
        detail={"via": via, "ended_at": encounter.ended_at.isoformat()},
    )
    _announce(encounter.patient)


@transaction.atomic
def cancel_admission(*, encounter: Encounter, via: str) -> None:
    """A11: the admission was entered in error; the encounter goes.

    One that images were taken in stays (images are never orphaned), closed at its start
    so it no longer counts as a stay on the ward.
    """
    patient = encounter.patient
    record_event(
        actor=None,
        action=Action.EDIT,
        target=encounter,
        patient=patient,
        detail={"via": via, "cancelled": "admission"},
    )
    try:
        with transaction.atomic():
            encounter.ward_stays.all().delete()
            encounter.delete()
    except ProtectedError:
        encounter.ended_at = encounter.started_at
        encounter.save(update_fields=["ended_at"])
    _announce(patient)


@transaction.atomic
def cancel_transfer(*, encounter: Encounter, via: str) -> bool:
    """A12: back to the ward the last transfer left."""
    stay = encounter.ward_stays.order_by("-ended_at").first()
    if stay is None:
        return False
    moved_from = encounter.ward
    encounter.ward = stay.ward
    encounter.save(update_fields=["ward"])
    stay.delete()
    record_event(
        actor=None,
        action=Action.EDIT,
        target=encounter,
        patient=encounter.patient,
        detail={"via": via, "cancelled": "transfer", "from_ward": moved_from.code},
    )
    return True


@transaction.atomic
def cancel_discharge(*, encounter: Encounter, via: str) -> None:
    """A13: the patient is still in."""
    encounter.ended_at = None
    encounter.save(update_fields=["ended_at"])
    record_event(
        actor=None,
        action=Action.EDIT,
        target=encounter,
        patient=encounter.patient,
        detail={"via": via, "cancelled": "discharge"},
    )
    _announce(encounter.patient)


def _move_everything(prior: Patient, survivor: Patient) -> dict[str, int]:
    """Every row of any app that points at the prior patient now points at the survivor.

    Walked through the model graph, so images, consents, hard copies, matters, holds,
    flags and break-glass history move without records importing the apps after it.
    """
    moved: dict[str, int] = {}
    for relation in Patient._meta.related_objects:
        # Django's relation objects are loosely typed: every model is possible here.
        model: Any = relation.related_model
        field: Any = relation.field
        rows: Any
        if relation.many_to_many:
            through = field.remote_field.through
            target = field.m2m_reverse_field_name()
            owner = field.m2m_field_name()
            rows = through.objects.filter(**{target: prior})
            for row in rows:
                through.objects.get_or_create(
                    **{f"{owner}_id": getattr(row, f"{owner}_id"), target: survivor}
                )
            count = rows.delete()[0]
        else:
            rows = model._default_manager.filter(**{field.name: prior})
            if model is Patient:
                rows = rows.exclude(pk=survivor.pk)
            count = rows.update(**{field.name: survivor})
        if count:
            moved[model._meta.label_lower] = count
    return moved


@transaction.atomic
def merge_patients(*, prior: Patient, survivor: Patient, via: str) -> dict[str, int]:
    """A40: the prior record's everything belongs to the survivor; its MRN finds it."""
    if prior.facility_id != survivor.facility_id:
        raise ValidationError("A merge across facilities is refused.")
    if prior.pk == survivor.pk or prior.merged_into_id == survivor.pk:
        return {}
    moved = _move_everything(prior, survivor)
    prior.merged_into = survivor
    prior.save(update_fields=["merged_into"])
    if survivor.date_of_death is None and prior.date_of_death is not None:
        survivor.date_of_death = prior.date_of_death
        survivor.save(update_fields=["date_of_death"])
    record_event(
        actor=None,
        action=Action.EDIT,
        target=survivor,
        patient=survivor,
        detail={
            "via": via,
            "merged": str(prior.public_id),
            "merged_mrn": prior.mrn,
            "survivor": str(survivor.public_id),
            "survivor_mrn": survivor.mrn,
            "moved": moved,
        },
    )
    _announce(survivor)
    return moved
