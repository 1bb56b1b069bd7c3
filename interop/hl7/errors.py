"""What can be wrong with a message, as HL7 says it back to the sender.

Two kinds, because the sender treats them differently:
- `MessageRejected` answers AR: the message as a whole cannot be taken (no MSH, a version
  or message type we do not speak, bytes we cannot read, a frame over the size cap).
- `FieldError` answers AE with an ERR segment naming the field (`PID-7`), so the
  integration team can fix the one value and resend.
Codes are HL7 table 0357 (message error condition codes).
"""

from enum import IntEnum


class ErrorCode(IntEnum):
    SEGMENT_SEQUENCE = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE = 102
    TABLE_VALUE_NOT_FOUND = 103
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT = 201
    UNSUPPORTED_PROCESSING_ID = 202
    UNSUPPORTED_VERSION = 203
    UNKNOWN_KEY = 204
    DUPLICATE_KEY = 205
    RECORD_LOCKED = 206
    INTERNAL = 207

    @property
    def label(self) -> str:
        """The table's own wording, for ERR-3.2."""
        return _LABELS[self]


_LABELS = {
    ErrorCode.SEGMENT_SEQUENCE: "Segment sequence error",
    ErrorCode.REQUIRED_FIELD_MISSING: "Required field missing",
    ErrorCode.DATA_TYPE: "Data type error",
    ErrorCode.TABLE_VALUE_NOT_FOUND: "Table value not found",
    ErrorCode.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    ErrorCode.UNSUPPORTED_EVENT: "Unsupported event code",
    ErrorCode.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    ErrorCode.UNSUPPORTED_VERSION: "Unsupported version id",
    ErrorCode.UNKNOWN_KEY: "Unknown key identifier",
    ErrorCode.DUPLICATE_KEY: "Duplicate key identifier",
    ErrorCode.RECORD_LOCKED: "Application record locked",
    ErrorCode.INTERNAL: "Application internal error",
}


class Hl7Error(Exception):
    """A problem to acknowledge; `ack_code` says which answer it deserves."""

    ack_code = "AE"

    def __init__(
        self,
        text: str,
        *,
        code: ErrorCode | int = ErrorCode.INTERNAL,
        segment: str = "",
        field: int | None = None,
        repetition: int | None = None,
        component: int | None = None,
    ) -> None:
        super().__init__(text)
        self.text = text
        self.code = ErrorCode(code)
        self.segment = segment
        self.field = field
        self.repetition = repetition
        self.component = component

    @property
    def field_name(self) -> str:
        """`PID-7`, `PID-3`, `MSH-18`, or the bare segment, or ""."""
        if self.segment and self.field is not None:
            return f"{self.segment}-{self.field}"
        return self.segment

    @property
    def location(self) -> list[str]:
        """ERR-2 (ERL) components: segment, sequence, field, repetition, component."""
        if not self.segment:
            return []
        parts = [self.segment, "1"]
        if self.field is not None:
            parts.append(str(self.field))
        if self.repetition is not None or self.component is not None:
            parts.append(str(self.repetition or 1))
        if self.component is not None:
            parts.append(str(self.component))
        return parts


class MessageRejected(Hl7Error):
    """The message as a whole cannot be taken: answered AR."""

    ack_code = "AR"


class FieldError(Hl7Error):
    """One field is missing or wrong: answered AE with ERR naming it."""

    ack_code = "AE"

    def __init__(
        self,
        text: str,
        *,
        segment: str,
        field: int,
        code: ErrorCode | int = ErrorCode.DATA_TYPE,
        repetition: int | None = None,
        component: int | None = None,
    ) -> None:
        super().__init__(
            f"{segment}-{field}: {text}",
            code=code,
            segment=segment,
            field=field,
            repetition=repetition,
            component=component,
        )
