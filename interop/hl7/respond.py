"""The usual handler body: parse, apply, acknowledge.

`respond(raw, apply)` answers AA when `apply` returns, AE or AR (with ERR) when parsing or
`apply` raises an `Hl7Error`, and lets anything else propagate: a database that is down
must not be acknowledged, so the listener's handler catches that and returns None.
"""

from collections.abc import Callable

from .ack import AckCode, ack_for_error, build_ack
from .errors import Hl7Error
from .message import AdtMessage
from .parser import parse_message

Apply = Callable[[AdtMessage], str | None]


def respond(raw: bytes, apply: Apply) -> bytes:
    """The ACK for one message; `apply` may return a text for MSA-3 or raise Hl7Error."""
    try:
        message = parse_message(raw)
    except Hl7Error as problem:
        return ack_for_error(raw, problem)
    try:
        text = apply(message)
    except Hl7Error as problem:
        return build_ack(
            message.header, AckCode(problem.ack_code), text=problem.text, error=problem
        )
    return build_ack(message.header, AckCode.ACCEPT, text=text or "")
