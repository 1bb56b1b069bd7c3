"""From the bytes of one MLLP frame to the text of one HL7 message.

Segment separators: HL7 says `\\r`. A message using `\\n` or `\\r\\n` instead is read as if it
had used `\\r`, rather than refused. That is what integration engines do by default (Mirth's
"convert line breaks", Rhapsody's and Cloverleaf's equivalents) because such messages come from
hand-edited or replayed files, not from a different meaning: a raw line break is never legal
inside an HL7 v2 value (it must be escaped as `\\X0A\\` or `\\.br\\`), so reading every line
break as a segment end cannot change a value. Refusing them would only park messages that a
person then has to fix by hand. Blank segments are dropped for the same reason.

Character set: MSH-18 decides (`8859/1` to `8859/9` and `8859/15`, `UNICODE UTF-8`, blank or
`ASCII`). The MSH segment itself is ASCII in every one of those, so it is read before the
rest is decoded. Bytes that are not valid in the declared set are an error naming the field
they sit in (AE), never guessed at: a mis-decoded name would be filed in a health record.
"""

import string
from dataclasses import dataclass

import hl7

from .errors import ErrorCode, FieldError, MessageRejected

_LATIN = {f"8859/{n}": f"iso8859_{n}" for n in (*range(1, 10), 15)}
CODECS = {"": "ascii", "ASCII": "ascii", "UNICODE UTF-8": "utf-8", **_LATIN}
_FORBIDDEN_SEPARATORS = set(string.ascii_letters + string.digits + string.whitespace)


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str


def normalise(raw: bytes) -> bytes:
    """One `\\r` between segments, whatever line breaks the sender used; no blank ones."""
    lines = raw.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r")
    return b"\r".join(line for line in lines if line.strip())


def decode(raw: bytes) -> Decoded:
    """Normalise, check the MSH header, and decode by MSH-18."""
    message = normalise(raw)
    check_header(message)
    charset = declared_charset(message)
    codec = CODECS.get(charset)
    if codec is None:
        raise MessageRejected(
            f"MSH-18: character set {charset!r} is not supported",
            code=ErrorCode.TABLE_VALUE_NOT_FOUND,
            segment="MSH",
            field=18,
        )
    try:
        return Decoded(text=message.decode(codec), charset=charset)
    except UnicodeDecodeError as exc:
        raise _undecodable(message, exc, charset) from None


def check_header(message: bytes) -> None:
    """The message starts with MSH and declares usable separators (MSH-1, MSH-2)."""
    if not message.startswith(b"MSH"):
        raise MessageRejected(
            "the message does not start with an MSH segment",
            code=ErrorCode.SEGMENT_SEQUENCE,
            segment="MSH",
        )
    field_separator = message[3:4]
    encoding = message[4:].split(field_separator, 1)[0] if field_separator else b""
    characters = [chr(c) for c in field_separator + encoding]
    if (
        len(encoding) not in (4, 5)
        or len(set(characters)) != len(characters)
        or _FORBIDDEN_SEPARATORS & set(characters)
        or any(ord(c) > 0x7E for c in characters)
    ):
        raise MessageRejected(
            f"MSH-1/MSH-2: separators {bytes(field_separator + encoding)!r} are not usable",
            code=ErrorCode.DATA_TYPE,
            segment="MSH",
            field=2,
        )


def declared_charset(message: bytes) -> str:
    """MSH-18, first repetition, read from the ASCII MSH segment before decoding the rest."""
    msh = message.split(b"\r", 1)[0].decode("latin-1")
    value = hl7.parse(msh).segment("MSH").extract_field(1, 18, 1, 1, 1) if msh else ""
    return str(value).strip().upper()


def _undecodable(message: bytes, exc: UnicodeDecodeError, charset: str) -> FieldError:
    start = message.rfind(b"\r", 0, exc.start) + 1
    segment = message[start : start + 3].decode("ascii", "replace")
    separator = message[3:4]
    # MSH-1 is the separator itself, so MSH fields count one further.
    field = message.count(separator, start, exc.start) + (1 if segment == "MSH" else 0)
    declared = f"MSH-18 {charset!r}" if charset else "MSH-18 blank, so ASCII"
    return FieldError(
        f"byte 0x{message[exc.start]:02X} is not valid in the declared character set "
        f"({declared})",
        segment=segment,
        field=field,
    )
