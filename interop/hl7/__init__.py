"""HL7 v2 ADT over MLLP: the protocol core of the ADT feed (DESIGN §9), free of Django models.

The Django side calls `parse_message` (or `respond`) from a handler run by `MllpServer`.
"""

from .ack import AckCode, ack_for_error, build_ack
from .dates import Moment, Precision, parse_moment
from .errors import ErrorCode, FieldError, Hl7Error, MessageRejected
from .identifiers import (
    checked_ihi,
    is_valid_ihi,
    is_valid_medicare_number,
    pick_ihi,
    pick_medicare_number,
    pick_mrn,
)
from .message import (
    AdtMessage,
    Header,
    Identifier,
    Location,
    Patient,
    PersonName,
    Visit,
)
from .parser import parse_message, read_header
from .respond import respond
from .server import MllpServer, run, send_messages

__all__ = [
    "AckCode",
    "AdtMessage",
    "ErrorCode",
    "FieldError",
    "Header",
    "Hl7Error",
    "Identifier",
    "Location",
    "MessageRejected",
    "MllpServer",
    "Moment",
    "Patient",
    "PersonName",
    "Precision",
    "Visit",
    "ack_for_error",
    "build_ack",
    "checked_ihi",
    "is_valid_ihi",
    "is_valid_medicare_number",
    "parse_message",
    "parse_moment",
    "pick_ihi",
    "pick_medicare_number",
    "pick_mrn",
    "read_header",
    "respond",
    "run",
    "send_messages",
]
