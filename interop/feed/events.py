"""What each ADT event does to the record (DESIGN §9), through records.adt's services.

Each function raises an `Hl7Error` (AE/AR) before or instead of changing anything it
cannot do whole; the caller's savepoint undoes any part already written.
"""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from interop.hl7 import (
    AdtMessage,
    ErrorCode,
    FieldError,
    Hl7Error,
    MessageRejected,
    Precision,
    checked_ihi,
    pick_mrn,
)
from interop.hl7.message import Identifier
from interop.models.feed import FeedSource
from records import adt
from records.models import Encounter, Facility, Patient, Sex, Ward

_SEX = {"F": Sex.FEMALE, "M": Sex.MALE, "O": Sex.OTHER, "A": Sex.OTHER}


class Parked(FieldError):
    """The message is sound but our mapping lacks something (a ward): AE, kept to retry."""


def apply(message: AdtMessage) -> tuple[FeedSource, str]:
    """Apply one message; the source it came from and a note for MSA-3."""
    source = source_for(message)
    handler = _EVENTS.get(message.event)
    if handler is None:
        return source, f"{message.event or 'event'} journaled, not applied"
    try:
        return source, handler(message, source)
    except ValidationError as problem:
        # A value the record refuses (a death before birth): the sender must fix it.
        raise Hl7Error(
            f"refused by the record: {'; '.join(problem.messages)}",
            code=ErrorCode.DATA_TYPE,
            segment="PID",
        ) from problem


def source_for(message: AdtMessage) -> FeedSource:
    """The configured source, else the default mapping of MSH-4 to a Facility's code."""
    header = message.header
    found = (
        FeedSource.objects.select_related("facility")
        .filter(
            sending_facility=header.sending_facility,
            sending_application__in=[header.sending_application, ""],
        )
        .order_by("-sending_application")
        .first()
    )
    if found is not None:
        if not found.is_active:
            raise MessageRejected(
                f"source {found} is not active", code=ErrorCode.UNKNOWN_KEY
            )
        return found
    facility = Facility.objects.filter(code=header.sending_facility).first()
    if facility is None:
        raise FieldError(
            f"unknown facility {header.sending_facility!r}",
            segment="MSH",
            field=4,
            code=ErrorCode.UNKNOWN_KEY,
        )
    return FeedSource(
        sending_application=header.sending_application,
        sending_facility=header.sending_facility,
        facility=facility,
    )


def _via(message: AdtMessage) -> str:
    header = message.header
    return (
        f"HL7 ADT feed {header.sending_application}@{header.sending_facility} "
        f"{message.event} {header.control_id}"
    )


def _aware(moment: datetime | None, facility: Facility) -> datetime | None:
    """Times without an offset are the sending facility's local time."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(facility.time_zone))


def _stated_at(message: AdtMessage, facility: Facility) -> datetime:
    """When the PAS says this happened: EVN-2, else MSH-7 (required by the parser)."""
    moment = _aware(message.recorded_at or message.header.message_at, facility)
    if moment is None:
        raise FieldError("the message time is required", segment="MSH", field=7)
    return moment


def _mrn(message: AdtMessage, source: FeedSource) -> str:
    found = pick_mrn(message.patient.identifiers, source.mrn_system)
    if found is None or not found.value:
        raise FieldError(
            f"no MRN (type MR) of {source.mrn_system}",
            segment="PID",
            field=3,
            code=ErrorCode.REQUIRED_FIELD_MISSING,
        )
    return found.value


def _facts(message: AdtMessage, source: FeedSource) -> adt.Demographics:
    person = message.patient
    name = person.name
    if name is None or not name.family:
        raise FieldError(
            "the family name is required",
            segment="PID",
            field=5,
            code=ErrorCode.REQUIRED_FIELD_MISSING,
        )
    # A year or month of birth is not a date: unknown keeps images (retention).
    exact_birth = person.born_on_precision not in (
        None,
        Precision.YEAR,
        Precision.MONTH,
    )
    return adt.Demographics(
        family_name=name.family[:100],
        given_names=" ".join(p for p in (name.given, name.middle) if p)[:200],
        date_of_birth=person.born_on if exact_birth else None,
        sex=_SEX.get(person.sex, Sex.UNKNOWN),
        stated_at=_stated_at(message, source.facility),
        ihi=checked_ihi(
            Identifier(i.value, i.check_digit, "AUSHIC", i.type_code, i.repetition)
            if i.authority == source.ihi_authority
            else i
            for i in person.identifiers
        ),
        date_of_death=_death_on(message, source),
    )


def _death_on(message: AdtMessage, source: FeedSource) -> date | None:
    person = message.patient
    died_at = _aware(person.died_at, source.facility)
    if died_at is not None and person.is_deceased is not False:
        return died_at.date()
    visit = message.visit
    if visit is not None and visit.discharge_disposition in source.death_codes:
        ended = _aware(visit.discharged_at, source.facility) or _stated_at(
            message, source.facility
        )
        return ended.date()
    return None


def _patient(message: AdtMessage, source: FeedSource, *, create: bool) -> Patient:
    """The patient of PID-3 (their survivor if merged); registered when `create`."""
    mrn = _mrn(message, source)
    facts = _facts(message, source)
    via = _via(message)
    found = adt.find_patient(source.facility, mrn)
    if found is None:
        if not create:
            raise FieldError(
                f"no patient with MRN {mrn!r} at {source.facility.code}",
                segment="PID",
                field=3,
                code=ErrorCode.UNKNOWN_KEY,
            )
        return adt.register_patient(
            facility=source.facility, mrn=mrn, facts=facts, via=via
        )
    adt.update_demographics(patient=found, facts=facts, via=via)
    return found


def _ward(message: AdtMessage, source: FeedSource) -> Ward:
    visit = message.visit
    code = visit.location.ward if visit and visit.location else ""
    if not code:
        raise FieldError(
            "the ward (PL.1) is required",
            segment="PV1",
            field=3,
            code=ErrorCode.REQUIRED_FIELD_MISSING,
        )
    ward = Ward.objects.filter(facility=source.facility, code=code).first()
    if ward is None:
        raise Parked(
            f"unknown ward {code!r} at {source.facility.code}",
            segment="PV1",
            field=3,
            code=ErrorCode.TABLE_VALUE_NOT_FOUND,
        )
    return ward


def _visit_number(message: AdtMessage) -> str:
    return message.visit.visit_number[:40] if message.visit else ""


def _encounter(message: AdtMessage, patient: Patient) -> Encounter:
    encounter = adt.open_encounter_for(patient, _visit_number(message))
    if encounter is None:
        raise FieldError(
            f"no open encounter for visit {_visit_number(message)!r}",
            segment="PV1",
            field=19,
            code=ErrorCode.UNKNOWN_KEY,
        )
    return encounter


def _admit(message: AdtMessage, source: FeedSource) -> str:
    ward = _ward(message, source)  # checked first: an unknown ward parks the whole
    patient = _patient(message, source, create=True)
    visit = message.visit
    started = _aware(visit.admitted_at if visit else None, source.facility)
    adt.admit(
        patient=patient,
        ward=ward,
        visit_number=_visit_number(message),
        started_at=started or _stated_at(message, source.facility),
        via=_via(message),
    )
    return "admitted"


def _transfer(message: AdtMessage, source: FeedSource) -> str:
    ward = _ward(message, source)
    patient = _patient(message, source, create=False)
    adt.transfer(
        encounter=_encounter(message, patient),
        ward=ward,
        moved_at=_stated_at(message, source.facility),
        via=_via(message),
    )
    return "transferred"


def _discharge(message: AdtMessage, source: FeedSource) -> str:
    patient = _patient(message, source, create=False)
    visit = message.visit
    ended = _aware(visit.discharged_at if visit else None, source.facility)
    adt.discharge(
        encounter=_encounter(message, patient),
        ended_at=ended or _stated_at(message, source.facility),
        via=_via(message),
    )
    died_on = _death_on(message, source)
    if died_on is not None:
        adt.record_reported_death(
            patient=patient, date_of_death=died_on, via=_via(message)
        )
    return "discharged"


def _demographics(message: AdtMessage, source: FeedSource) -> str:
    # A28 adds a person; A08 and A31 update one the PAS already sent (or add it).
    _patient(message, source, create=True)
    return "updated"


def _cancel_admit(message: AdtMessage, source: FeedSource) -> str:
    patient = _patient(message, source, create=False)
    adt.cancel_admission(encounter=_encounter(message, patient), via=_via(message))
    return "admission cancelled"


def _cancel_transfer(message: AdtMessage, source: FeedSource) -> str:
    patient = _patient(message, source, create=False)
    if not adt.cancel_transfer(
        encounter=_encounter(message, patient), via=_via(message)
    ):
        raise FieldError(
            "the visit has no transfer to cancel",
            segment="PV1",
            field=19,
            code=ErrorCode.UNKNOWN_KEY,
        )
    return "transfer cancelled"


def _cancel_discharge(message: AdtMessage, source: FeedSource) -> str:
    patient = _patient(message, source, create=False)
    number = _visit_number(message)
    ended = patient.encounters.filter(ended_at__isnull=False)
    encounter = (ended.filter(visit_number=number) if number else ended).first()
    if encounter is None:
        raise FieldError(
            f"no discharged encounter for visit {number!r}",
            segment="PV1",
            field=19,
            code=ErrorCode.UNKNOWN_KEY,
        )
    adt.cancel_discharge(encounter=encounter, via=_via(message))
    return "discharge cancelled"


def _merge(message: AdtMessage, source: FeedSource) -> str:
    facility = source.facility
    survivor = adt.find_patient(facility, _mrn(message, source))
    if survivor is None:
        raise FieldError(
            "the surviving patient is unknown",
            segment="PID",
            field=3,
            code=ErrorCode.UNKNOWN_KEY,
        )
    priors = [i for i in message.prior_identifiers if i.type_code == "MR" and i.value]
    if not priors:
        raise FieldError(
            "no prior MRN (type MR)",
            segment="MRG",
            field=1,
            code=ErrorCode.REQUIRED_FIELD_MISSING,
        )
    for found in priors:
        if found.authority not in ("", source.mrn_system):
            raise FieldError(
                f"a merge across facilities ({found.authority}) is refused",
                segment="MRG",
                field=1,
                repetition=found.repetition,
                code=ErrorCode.UNKNOWN_KEY,
            )
    merged = 0
    for found in priors:
        prior = Patient.objects.filter(facility=facility, mrn=found.value).first()
        if prior is None or prior.merged_into_id == survivor.pk:
            continue  # never sent to us, or merged already: nothing to move
        adt.merge_patients(prior=prior, survivor=survivor, via=_via(message))
        merged += 1
    return f"{merged} merged"


_EVENTS: dict[str, Callable[[AdtMessage, FeedSource], str]] = {
    "A01": _admit,
    "A04": _admit,
    "A02": _transfer,
    "A03": _discharge,
    "A08": _demographics,
    "A28": _demographics,
    "A31": _demographics,
    "A11": _cancel_admit,
    "A12": _cancel_transfer,
    "A13": _cancel_discharge,
    "A40": _merge,
}

__all__ = ["Hl7Error", "Parked", "apply", "source_for"]
