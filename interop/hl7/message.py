"""What an ADT message says, as small frozen values the Django side can rely on.

Blank fields are "", never None, except times and the death indicator, where "not sent" and
"sent" must differ. HL7's explicit null (`""`) reads as blank too. Times without an offset
are naive: localise them with the sending facility's zone.
"""

from dataclasses import dataclass
from datetime import date, datetime

from .dates import Precision


@dataclass(frozen=True)
class Header:
    """MSH (and EVN-1 for the event): all an acknowledgement needs."""

    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    message_at: datetime | None
    message_type: str
    event: str
    structure: str
    control_id: str
    processing_id: str
    version: str
    charset: str


@dataclass(frozen=True)
class Identifier:
    """One CX: PID-3 or MRG-1 repetition."""

    value: str
    check_digit: str = ""
    authority: str = ""
    type_code: str = ""
    repetition: int = 1


@dataclass(frozen=True)
class PersonName:
    """One XPN: PID-5 repetition."""

    family: str
    given: str
    middle: str = ""
    prefix: str = ""
    type_code: str = ""


@dataclass(frozen=True)
class Location:
    """One PL: ward (point of care), room, bed, facility (HD.1)."""

    ward: str
    room: str = ""
    bed: str = ""
    facility: str = ""


@dataclass(frozen=True)
class Patient:
    identifiers: tuple[Identifier, ...]
    names: tuple[PersonName, ...]
    born_on: date | None
    born_on_precision: Precision | None
    sex: str
    died_at: datetime | None
    is_deceased: bool | None

    @property
    def name(self) -> PersonName | None:
        """The legal name (type L), else the first one sent."""
        legal = [name for name in self.names if name.type_code == "L"]
        return next(iter(legal or self.names), None)


@dataclass(frozen=True)
class Visit:
    patient_class: str
    location: Location | None
    prior_location: Location | None
    visit_number: str
    discharge_disposition: str
    admitted_at: datetime | None
    discharged_at: datetime | None


@dataclass(frozen=True)
class AdtMessage:
    header: Header
    recorded_at: datetime | None
    patient: Patient
    visit: Visit | None
    prior_identifiers: tuple[Identifier, ...]

    @property
    def event(self) -> str:
        return self.header.event

    @property
    def control_id(self) -> str:
        return self.header.control_id
