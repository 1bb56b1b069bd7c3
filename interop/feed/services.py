"""The ADT feed's handler: one message in, its journal row, its effects, one ACK out.

Every message is applied in ONE transaction with its journal row and audit events, so a
message is either applied and journaled with its AA, or journaled with its AE/AR and
nothing else. The journal's unique MSH-4 + MSH-10 makes a repeat change nothing: the
first ACK is answered again, even to a copy that raced the first on another connection.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    transaction,
)
from django.utils import timezone

from interop.feed import events
from interop.hl7 import (
    AckCode,
    AdtMessage,
    Header,
    Hl7Error,
    ack_for_error,
    build_ack,
    parse_message,
    read_header,
)
from interop.models.feed import FeedMessage

logger = logging.getLogger(__name__)


def handle(raw: bytes) -> bytes | None:
    """The listener's handler: the ACK to send, or None (no ACK) if the database is down."""
    close_old_connections()
    try:
        return receive(raw)
    except DatabaseError:
        # No ACK: the sender keeps the message and sends it again later.
        logger.exception("HL7 message not taken: the database is unavailable")
        return None


def receive(raw: bytes) -> bytes:
    """Journal and apply one message (or answer its first ACK again)."""
    header = read_header(raw)
    facility_code = header.sending_facility if header else ""
    control_id = header.control_id if header else ""
    if control_id:
        first = _first_answer(facility_code, control_id)
        if first is not None:
            return first
    try:
        with transaction.atomic():
            entry = _journal(raw, header)
            _settle(entry, raw)
            entry.save()
    except IntegrityError:
        # Another connection journaled the same message first: its answer is ours.
        first = _first_answer(facility_code, control_id) if control_id else None
        if first is None:
            raise
        return first
    return entry.ack.encode("ascii")


def retry(*, entry: FeedMessage) -> FeedMessage:
    """Apply a parked message again, after its mapping was fixed; it keeps its row."""
    with transaction.atomic():
        locked = FeedMessage.objects.select_for_update().get(pk=entry.pk)
        if locked.outcome != FeedMessage.Outcome.PARKED:
            return locked
        _settle(locked, locked.raw.encode("latin-1"))
        locked.save()
        return locked


def purge_feed_journal(*, now: datetime | None = None) -> int:
    """Delete journal rows older than CUSTODIAN_HL7_JOURNAL_DAYS; parked ones stay."""
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.CUSTODIAN_HL7_JOURNAL_DAYS
    )
    # A parked message is work not yet done: it waits for a person, whatever its age.
    old = FeedMessage.objects.filter(received_at__lt=cutoff).exclude(
        outcome=FeedMessage.Outcome.PARKED
    )
    deleted, _ = old.delete()
    return deleted


def _first_answer(facility_code: str, control_id: str) -> bytes | None:
    ack = (
        FeedMessage.objects.filter(
            sending_facility=facility_code, control_id=control_id
        )
        .values_list("ack", flat=True)
        .first()
    )
    return ack.encode("ascii") if ack is not None else None


def _journal(raw: bytes, header: Header | None) -> FeedMessage:
    """Claim the message's row first, so a concurrent copy fails fast on the key."""
    entry = FeedMessage(
        raw=raw.decode("latin-1"),
        sending_facility=(header.sending_facility if header else "")[:40],
        control_id=(header.control_id if header else "")[:60],
        event=(header.event if header else "")[:10],
        received_at=timezone.now(),
        outcome=FeedMessage.Outcome.PARKED,
    )
    entry.save()
    return entry


def _settle(entry: FeedMessage, raw: bytes) -> None:
    """Parse and apply in a savepoint; fill in the outcome and the ACK."""
    try:
        message = parse_message(raw)
    except Hl7Error as problem:
        _answer(entry, problem.ack_code, ack_for_error(raw, problem), problem.text)
        return
    try:
        with transaction.atomic():
            source, text = events.apply(message)
    except events.Parked as problem:
        _refuse(entry, message, problem, outcome=FeedMessage.Outcome.PARKED)
        return
    except Hl7Error as problem:
        _refuse(entry, message, problem, outcome=problem.ack_code)
        return
    entry.source = source if source.pk else None
    _answer(entry, AckCode.ACCEPT, build_ack(message.header, AckCode.ACCEPT, text=text))


def _refuse(
    entry: FeedMessage, message: AdtMessage, problem: Hl7Error, *, outcome: str
) -> None:
    ack = build_ack(
        message.header, AckCode(problem.ack_code), text=problem.text, error=problem
    )
    _answer(entry, outcome, ack, problem.text)


def _answer(entry: FeedMessage, outcome: str, ack: bytes, error: str = "") -> None:
    entry.outcome = outcome
    entry.ack = ack.decode("ascii")
    entry.error = error
