"""Original-mode acknowledgements: one ACK per message, MSA-1 AA, AE or AR.

The ACK always uses the standard separators (`|^~\\&`) and plain ASCII: values are escaped
(non-ASCII as `\\Xhh\\`), so it reads the same whatever MSH-18 the sender declared, and that
declaration is echoed. AE and AR carry an ERR segment in the v2.5 style (ERR-2 location,
ERR-3 table 0357 code, ERR-4 severity, ERR-8 the text); v2.3 and v2.4 senders also get
ERR-1, the only ERR field their versions define.
"""

from datetime import UTC, datetime
from enum import StrEnum

import hl7

from .errors import Hl7Error
from .message import Header
from .parser import read_header

OWN_APPLICATION = "CUSTODIAN"
DEFAULT_VERSION = "2.5"
_PRE_25 = frozenset({"2.1", "2.2", "2.3", "2.3.1", "2.4"})
_MSA_TEXT_LIMIT = 80
# Escapes against the standard separators, the only ones an ACK uses.
_STANDARD = hl7.Message(separators="\r|~^&", esc="\\")


class AckCode(StrEnum):
    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"


def build_ack(
    header: Header | None,
    code: AckCode,
    *,
    text: str = "",
    error: Hl7Error | None = None,
    now: datetime | None = None,
) -> bytes:
    """The ACK for a message whose header is known (None: MSA-2 is left blank)."""
    version = (header.version if header else "") or DEFAULT_VERSION
    segments = [
        _msh(header, version, now or datetime.now(UTC).astimezone()),
        _segment(
            "MSA",
            code.value,
            _escape(_echo(header, "control_id")),
            _escape(text[:_MSA_TEXT_LIMIT]),
        ),
    ]
    if error is not None and code is not AckCode.ACCEPT:
        segments.append(_err(error, version))
    return ("\r".join(segments) + "\r").encode("ascii")


def ack_for_error(raw: bytes, error: Hl7Error, *, now: datetime | None = None) -> bytes:
    """AE or AR (as the error says) for raw bytes, quoting what can be read of their MSH."""
    return build_ack(
        read_header(raw), AckCode(error.ack_code), text=error.text, error=error, now=now
    )


def _msh(header: Header | None, version: str, now: datetime) -> str:
    event = _echo(header, "event")
    return "MSH|^~\\&|" + "|".join(
        [
            _escape(_echo(header, "receiving_application") or OWN_APPLICATION),
            _escape(_echo(header, "receiving_facility")),
            _escape(_echo(header, "sending_application")),
            _escape(_echo(header, "sending_facility")),
            now.strftime("%Y%m%d%H%M%S%z"),
            "",
            f"ACK^{_escape(event)}^ACK" if event else "ACK",
            hl7.generate_message_control_id(),
            _escape(_echo(header, "processing_id") or "P"),
            _escape(version),
            "",
            "",
            "NE",
            "NE",
            "",
            _escape(_echo(header, "charset")),
        ]
    ).rstrip("|")


def _err(error: Hl7Error, version: str) -> str:
    location = "^".join(_escape(part) for part in error.location)
    code = f"{error.code.value}^{error.code.label}^HL70357"
    legacy = ""
    if version in _PRE_25 and len(error.location) >= 3:
        # ELD: segment, sequence, field position, then the code as one CE component.
        legacy = "^".join([*error.location[:3], code.replace("^", "&")])
    return _segment("ERR", legacy, location, code, "E", "", "", "", _escape(error.text))


def _segment(name: str, *fields: str) -> str:
    """Join fields already escaped; trailing empty fields are left off."""
    return "|".join([name, *fields]).rstrip("|")


def _echo(header: Header | None, name: str) -> str:
    return str(getattr(header, name)) if header is not None else ""


def _escape(value: str) -> str:
    return str(_STANDARD.escape(value)) if value else ""
