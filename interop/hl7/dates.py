"""HL7 v2 date/time values (DT, TS, DTM) of any precision, parsed strictly.

`hl7.parse_datetime` accepts trailing junk and odd lengths (`2024011` reads as 1 January),
which would file a wrong date of birth without a word; this reads only what the standard
allows: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. A value without an offset stays
naive: the caller localises it with the sending facility's zone (NSW and WA differ).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from .errors import FieldError

_DTM = re.compile(
    r"(?P<year>\d{4})(?:(?P<month>\d{2})(?:(?P<day>\d{2})(?:(?P<hour>\d{2})"
    r"(?:(?P<minute>\d{2})(?:(?P<second>\d{2})(?:\.(?P<fraction>\d{1,4}))?)?)?)?)?)?"
    r"(?P<offset>[+-]\d{4})?"
)


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"
    SECOND = "second"


@dataclass(frozen=True)
class Moment:
    """A parsed HL7 time: the earliest instant it covers, and how much of it was sent."""

    at: datetime
    precision: Precision

    @property
    def on(self) -> date:
        return self.at.date()


def parse_moment(
    value: str, *, segment: str, field: int, component: int | None = None
) -> Moment | None:
    """Parse an HL7 time; blank is None; anything else invalid raises FieldError."""
    if not value:
        return None
    match = _DTM.fullmatch(value)
    if match is None:
        raise _invalid(value, segment, field, component)
    parts = match.groupdict()
    try:
        at = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")),
            tzinfo=_offset(parts["offset"]),
        )
    except ValueError:
        raise _invalid(value, segment, field, component) from None
    return Moment(at=at, precision=_precision(parts))


def _precision(parts: dict[str, str | None]) -> Precision:
    found = Precision.YEAR
    for precision in Precision:
        if parts[precision.value] is not None:
            found = precision
    return found


def _offset(text: str | None) -> timezone | None:
    if text is None:
        return None
    hours, minutes = int(text[1:3]), int(text[3:5])
    if hours > 14 or minutes > 59:
        raise ValueError(text)
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _invalid(value: str, segment: str, field: int, component: int | None) -> FieldError:
    return FieldError(
        f"{value!r} is not a valid HL7 date/time",
        segment=segment,
        field=field,
        component=component,
    )
