"""Reading FHIR search parameters strictly: anything unsupported is a 400, not ignored
(a client that believes it filtered must not receive everything)."""

from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.http import Http404, QueryDict

from interop.fhir.errors import InvalidSearch

COMMON = frozenset({"_format"})
PATIENT_SEARCH = COMMON | {"identifier"}
MEDIA_SEARCH = COMMON | {"patient", "subject", "created", "_count", "_cursor"}
DEFAULT_COUNT = 50
MAX_COUNT = 200
PREFIXES = ("eq", "ge", "gt", "le", "lt")

# (Django lookup on captured_at, bound) pairs, ANDed.
Bounds = list[tuple[str, datetime]]


def public_id(value: str) -> UUID:
    """A resource id: our ids are UUIDs, so anything else names nothing (404)."""
    try:
        return UUID(value)
    except ValueError as exc:
        raise Http404("No such resource.") from exc


def only(params: QueryDict, allowed: frozenset[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        supported = ", ".join(sorted(allowed))
        raise InvalidSearch(
            f"Unsupported parameter {unknown[0]} (supported: {supported})."
        )


def single(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise InvalidSearch(f"Give {name} once.")
    return values[0].strip() if values else ""


def media_patient(params: QueryDict) -> UUID:
    """The patient of a Media search: patient={id} or subject=Patient/{id}."""
    named = {
        value.removeprefix("Patient/")
        for name in ("patient", "subject")
        if (value := single(params, name))
    }
    if not named:
        raise InvalidSearch("Media search needs patient={id} or subject=Patient/{id}.")
    if len(named) > 1:
        raise InvalidSearch("patient and subject name different patients.")
    try:
        return UUID(named.pop())
    except ValueError as exc:
        raise InvalidSearch("patient must be a Patient id.") from exc


def count(params: QueryDict) -> int:
    value = single(params, "_count")
    if not value:
        return DEFAULT_COUNT
    if not value.isdigit() or not 1 <= int(value) <= MAX_COUNT:
        raise InvalidSearch(f"_count must be a whole number from 1 to {MAX_COUNT}.")
    return int(value)


def created(params: QueryDict, zone: ZoneInfo) -> Bounds:
    """created=[prefix]date|dateTime, repeatable; a date is a whole day on `zone`."""
    bounds: Bounds = []
    for raw in params.getlist("created"):
        # An unencoded '+' in an offset arrives as a space.
        value = raw.strip().replace(" ", "+")
        prefix = value[:2] if value[:2] in PREFIXES else "eq"
        value = value.removeprefix(prefix)
        bounds.extend(_bounds(prefix, value, zone))
    return bounds


def _bounds(prefix: str, value: str, zone: ZoneInfo) -> Bounds:
    try:
        if len(value) == len("2026-01-05"):
            day = date.fromisoformat(value)
            start = datetime.combine(day, time.min, tzinfo=zone)
            return _day_bounds(prefix, start, start + timedelta(days=1))
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidSearch(
            "created must be a date (2026-01-05) or a date and time with its "
            "offset (2026-01-05T10:30:00+10:00), after ge, le, gt, lt or eq."
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    lookup = {"eq": "exact", "ge": "gte", "gt": "gt", "le": "lte", "lt": "lt"}
    return [(lookup[prefix], moment)]


def _day_bounds(prefix: str, start: datetime, end: datetime) -> Bounds:
    return {
        "eq": [("gte", start), ("lt", end)],
        "ge": [("gte", start)],
        "gt": [("gte", end)],
        "le": [("lt", end)],
        "lt": [("lt", start)],
    }[prefix]
