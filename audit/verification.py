"""Recomputing the hash chain, and checkpoints of its head kept apart from the table.

The chain alone proves that no event inside it was changed, removed, inserted or moved;
it cannot see its newest events removed. A checkpoint (sequence and hash of the head at
some moment) printed and kept away from the database closes that gap up to its moment.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audit.chain import GENESIS_HASH, event_fields, event_hash
from audit.models import AuditEvent, ChainHead, Checkpoint

log = logging.getLogger(__name__)

BATCH = 5000
_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "patient_public_id",
    "ip_address",
    "user_agent",
    "reason",
    "detail",
    "prev_hash",
    "hash",
)
_CHECKPOINT = re.compile(r"^(\d+):([0-9a-f]{64})$")


@dataclass(frozen=True)
class Mark:
    """A point of the chain: sequence and hash of the event there (0 = genesis)."""

    sequence: int
    hash: str

    def line(self) -> str:
        return f"{self.sequence}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Mark":
        match = _CHECKPOINT.match(text.strip().lower())
        if match is None:
            raise ValueError("A checkpoint reads SEQUENCE:HASH (64 hex digits).")
        return cls(int(match[1]), match[2])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head_sequence: int
    head_hash: str
    problem: str = ""

    @property
    def head(self) -> Mark:
        return Mark(self.head_sequence, self.head_hash)


def _rows() -> Iterator[tuple[Any, ...]]:
    """Every event in sequence order, in keyset batches (no OFFSET, no model objects)."""
    last = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last)
            .order_by("sequence")
            .values_list(*_COLUMNS)[:BATCH]
        )
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1][0]


def _recomputed_hash(row: tuple[Any, ...], prev_hash: str) -> str:
    seq, at, actor_id, username, action, otype, oid, patient, ip, ua, reason, detail = (
        row[:12]
    )
    fields = event_fields(
        sequence=seq,
        occurred_at=at,
        actor_id=actor_id,
        actor_username=username,
        action=action,
        object_type=otype,
        object_id=oid,
        patient_public_id=str(patient) if patient else None,
        ip_address=str(ip) if ip else None,
        user_agent=ua,
        reason=reason,
        detail=detail,
    )
    return event_hash(prev_hash, fields)


def _broken_link(row: tuple[Any, ...], expected: int, prev_hash: str) -> str:
    sequence, stored_prev, stored_hash = row[0], row[12], row[13]
    if sequence != expected:
        return f"event #{expected} is missing or moved (the next stored is #{sequence})"
    if stored_prev != prev_hash:
        return f"event #{sequence} does not follow #{expected - 1} (inserted or moved)"
    if _recomputed_hash(row, prev_hash) != stored_hash:
        return f"event #{sequence} was altered after it was recorded"
    return ""


def _short_of(marks: list[tuple[str, Mark]], reached: Mark) -> str:
    for label, mark in marks:
        if mark.sequence > reached.sequence:
            return (
                f"the chain ends at #{reached.sequence}, before {label} "
                f"#{mark.sequence}: events were removed from the tail"
            )
    return ""


def verify_chain(*, checkpoints: tuple[Mark, ...] = ()) -> ChainReport:
    """Walk the chain in sequence order and report the first broken link.

    Besides the checkpoints given, the head row and the newest stored checkpoint are
    checked too: weaker (they live in the same database) but free.
    """
    marks = [("checkpoint", mark) for mark in checkpoints]
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        marks.append(("the recorded head", Mark(head.sequence, head.hash)))
    stored = Checkpoint.objects.order_by("-sequence").first()
    if stored is not None:
        marks.append(("stored checkpoint", Mark(stored.sequence, stored.hash)))
    wanted = {mark.sequence: (label, mark) for label, mark in marks}
    reached, count = Mark(0, GENESIS_HASH), 0
    for row in _rows():
        problem = _broken_link(row, reached.sequence + 1, reached.hash)
        if not problem and row[0] in wanted and wanted[row[0]][1].hash != row[13]:
            problem = f"event #{row[0]} does not match {wanted[row[0]][0]}"
        if problem:
            return ChainReport(False, count, reached.sequence, reached.hash, problem)
        reached, count = Mark(row[0], row[13]), count + 1
    problem = _short_of(marks, reached)
    return ChainReport(not problem, count, reached.sequence, reached.hash, problem)


def record_checkpoint() -> Checkpoint:
    """Copy the current head into the checkpoint table and the log, to be kept apart."""
    head = ChainHead.objects.filter(pk=1).first()
    sequence, digest = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    checkpoint = Checkpoint.objects.create(sequence=sequence, hash=digest)
    log.info("audit checkpoint %s", Mark(sequence, digest).line())
    return checkpoint
