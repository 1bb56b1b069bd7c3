"""Parse one ADT message (HL7 v2.3 to 2.5.1) into an `AdtMessage`.

python-hl7 splits the message and unescapes values (`\\F\\ \\S\\ \\T\\ \\R\\ \\E\\`); this module
only says which field means what and checks the few things the Django side must be able to
trust: the header, the dates, the death indicator.
"""

from datetime import datetime
from typing import Any

import hl7

from .dates import parse_moment
from .decoding import decode, normalise
from .errors import ErrorCode, FieldError, Hl7Error, MessageRejected
from .message import (
    AdtMessage,
    Header,
    Identifier,
    Location,
    Patient,
    PersonName,
    Visit,
)

SUPPORTED_VERSIONS = frozenset({"2.3", "2.3.1", "2.4", "2.5", "2.5.1"})
PROCESSING_IDS = frozenset({"P", "T", "D"})
_HL7_NULL = '""'

# python-hl7's containers are untyped: a segment is a list of fields.
Segment = Any


def parse_message(raw: bytes) -> AdtMessage:
    """Decode, parse and check one message; raises MessageRejected or FieldError."""
    decoded = decode(raw)
    message = _parse(decoded.text)
    header = _header(message, decoded.charset, strict=True)
    patient_segment = _only(message, "PID", required=True)
    visit_segment = _only(message, "PV1", required=False)
    merge_segment = _only(message, "MRG", required=False)
    return AdtMessage(
        header=header,
        recorded_at=_time(_first(message, "EVN"), 2, "EVN"),
        patient=_patient(patient_segment),
        visit=_visit(visit_segment) if visit_segment is not None else None,
        prior_identifiers=(
            _identifiers(merge_segment, 1) if merge_segment is not None else ()
        ),
    )


def read_header(raw: bytes) -> Header | None:
    """Whatever MSH says, checking nothing: for answering a message that failed to parse.

    Best effort even when MSH-2 was refused: python-hl7 fills in missing encoding
    characters, so MSH-10 is usually still there for MSA-2.
    """
    message = normalise(raw)
    try:
        parsed = _parse(message.decode("latin-1"))
        return _header(parsed, value(parsed.segment("MSH"), 18), strict=False)
    except (Hl7Error, IndexError, KeyError, ValueError):
        return None


def _parse(text: str) -> Any:
    try:
        return hl7.parse(text)
    except (hl7.ParseException, IndexError, ValueError) as exc:
        raise MessageRejected(f"not an HL7 v2 message: {exc}") from exc


def value(
    segment: Segment | None, field: int, component: int = 1, repetition: int = 1
) -> str:
    """One unescaped value, "" when absent or HL7's null; MSH-1 and MSH-2 stay raw."""
    if segment is None or field >= len(segment):
        return ""
    try:
        found = str(segment.extract_field(1, field, repetition, component, 1))
    except IndexError:
        return ""
    return "" if found == _HL7_NULL else found


def repetitions(segment: Segment, field: int) -> int:
    return len(segment(field)) if field < len(segment) else 0


def _header(message: Any, charset: str, *, strict: bool) -> Header:
    msh = message.segment("MSH")
    header = Header(
        sending_application=value(msh, 3),
        sending_facility=value(msh, 4),
        receiving_application=value(msh, 5),
        receiving_facility=value(msh, 6),
        message_at=_time(msh, 7, "MSH") if strict else None,
        message_type=value(msh, 9),
        event=value(msh, 9, 2) or value(_first(message, "EVN"), 1),
        structure=value(msh, 9, 3),
        control_id=value(msh, 10),
        processing_id=value(msh, 11),
        version=value(msh, 12),
        charset=charset,
    )
    if strict:
        _check_header(header)
    return header


def _check_header(header: Header) -> None:
    if header.message_type != "ADT":
        raise MessageRejected(
            f"MSH-9: message type {header.message_type!r} is not taken here (ADT only)",
            code=ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
            segment="MSH",
            field=9,
        )
    if header.version not in SUPPORTED_VERSIONS:
        raise MessageRejected(
            f"MSH-12: version {header.version!r} is not supported (2.3 to 2.5.1)",
            code=ErrorCode.UNSUPPORTED_VERSION,
            segment="MSH",
            field=12,
        )
    if header.processing_id not in PROCESSING_IDS:
        raise MessageRejected(
            f"MSH-11: processing id {header.processing_id!r} is not P, T or D",
            code=ErrorCode.UNSUPPORTED_PROCESSING_ID,
            segment="MSH",
            field=11,
        )
    _require(header.message_at, "MSH", 7)
    _require(header.control_id, "MSH", 10)
    _require(header.event, "MSH", 9, component=2)


def _require(
    found: object, segment: str, field: int, component: int | None = None
) -> None:
    if not found:
        raise FieldError(
            "required but empty",
            segment=segment,
            field=field,
            component=component,
            code=ErrorCode.REQUIRED_FIELD_MISSING,
        )


def _first(message: Any, name: str) -> Segment | None:
    found = [segment for segment in message if str(segment[0]) == name]
    return found[0] if found else None


def _only(message: Any, name: str, *, required: bool) -> Segment | None:
    found = [segment for segment in message if str(segment[0]) == name]
    if not found and required:
        raise Hl7Error(
            f"{name} segment missing", code=ErrorCode.SEGMENT_SEQUENCE, segment=name
        )
    if len(found) > 1:
        # A40 may carry several PID/MRG pairs; taking only the first would drop a merge.
        raise Hl7Error(
            f"more than one {name} segment: send one merge or event per message",
            code=ErrorCode.SEGMENT_SEQUENCE,
            segment=name,
        )
    return found[0] if found else None


def _time(segment: Segment | None, field: int, name: str) -> datetime | None:
    moment = parse_moment(value(segment, field), segment=name, field=field)
    return moment.at if moment else None


def _identifiers(segment: Segment, field: int) -> tuple[Identifier, ...]:
    found = []
    for repetition in range(1, repetitions(segment, field) + 1):
        identifier = Identifier(
            value=value(segment, field, 1, repetition),
            check_digit=value(segment, field, 2, repetition),
            authority=value(segment, field, 4, repetition),
            type_code=value(segment, field, 5, repetition),
            repetition=repetition,
        )
        if identifier.value:
            found.append(identifier)
    return tuple(found)


def _names(segment: Segment) -> tuple[PersonName, ...]:
    names = (
        PersonName(
            family=value(segment, 5, 1, repetition),
            given=value(segment, 5, 2, repetition),
            middle=value(segment, 5, 3, repetition),
            prefix=value(segment, 5, 5, repetition),
            type_code=value(segment, 5, 7, repetition),
        )
        for repetition in range(1, repetitions(segment, 5) + 1)
    )
    return tuple(name for name in names if name.family or name.given)


def _patient(segment: Segment) -> Patient:
    born = parse_moment(value(segment, 7), segment="PID", field=7)
    return Patient(
        identifiers=_identifiers(segment, 3),
        names=_names(segment),
        born_on=born.on if born else None,
        born_on_precision=born.precision if born else None,
        sex=value(segment, 8),
        died_at=_time(segment, 29, "PID"),
        is_deceased=_indicator(segment, 30, "PID"),
    )


def _indicator(segment: Segment, field: int, name: str) -> bool | None:
    flag = value(segment, field)
    if flag not in {"", "Y", "N"}:
        raise FieldError(
            f"{flag!r} is not Y or N",
            segment=name,
            field=field,
            code=ErrorCode.TABLE_VALUE_NOT_FOUND,
        )
    return {"Y": True, "N": False}.get(flag)


def _location(segment: Segment, field: int) -> Location | None:
    location = Location(
        ward=value(segment, field, 1),
        room=value(segment, field, 2),
        bed=value(segment, field, 3),
        facility=value(segment, field, 4),
    )
    return location if any(vars(location).values()) else None


def _visit(segment: Segment) -> Visit:
    return Visit(
        patient_class=value(segment, 2),
        location=_location(segment, 3),
        prior_location=_location(segment, 6),
        visit_number=value(segment, 19),
        discharge_disposition=value(segment, 36),
        admitted_at=_time(segment, 44, "PV1"),
        discharged_at=_time(segment, 45, "PV1"),
    )
