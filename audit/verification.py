"""Recomputing the hash chain, and checkpoints of its head kept apart from the table."""

from dataclasses import dataclass

from audit.chain import GENESIS_HASH, event_fields, event_hash
from audit.models import AuditEvent, ChainHead, Checkpoint

BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head_sequence: int
    head_hash: str
    problem: str = ""


def _recomputed_hash(event: AuditEvent, prev_hash: str) -> str:
    fields = event_fields(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        patient_public_id=str(event.patient_public_id)
        if event.patient_public_id
        else None,
        ip_address=event.ip_address,
        user_agent=event.user_agent,
        reason=event.reason,
        detail=event.detail,
    )
    return event_hash(prev_hash, fields)


def verify_chain(
    *, checkpoint_sequence: int | None = None, checkpoint_hash: str = ""
) -> ChainReport:
    """Walk the chain in sequence order and report the first broken link."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    seen_checkpoint = checkpoint_sequence is None
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_id).order_by("sequence")[:BATCH]
        )
        if not batch:
            break
        for event in batch:
            if event.sequence != expected_seq:
                return ChainReport(
                    False,
                    count,
                    expected_seq - 1,
                    prev_hash,
                    f"event #{expected_seq} is missing (next is #{event.sequence})",
                )
            if event.prev_hash != prev_hash:
                return ChainReport(
                    False,
                    count,
                    expected_seq - 1,
                    prev_hash,
                    f"event #{event.sequence} does not follow #{event.sequence - 1}",
                )
            if _recomputed_hash(event, prev_hash) != event.hash:
                return ChainReport(
                    False,
                    count,
                    expected_seq - 1,
                    prev_hash,
                    f"event #{event.sequence} was altered after it was recorded",
                )
            if checkpoint_sequence == event.sequence:
                if event.hash != checkpoint_hash:
                    return ChainReport(
                        False,
                        count,
                        event.sequence,
                        prev_hash,
                        f"event #{event.sequence} does not match the checkpoint",
                    )
                seen_checkpoint = True
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
        last_id = batch[-1].sequence
    if not seen_checkpoint:
        return ChainReport(
            False,
            count,
            expected_seq - 1,
            prev_hash,
            f"the chain ends at #{expected_seq - 1}, before checkpoint "
            f"#{checkpoint_sequence}: events were removed from the tail",
        )
    return ChainReport(True, count, expected_seq - 1, prev_hash)


def record_checkpoint() -> Checkpoint:
    """Copy the current head into the checkpoint table (and the log, to be kept apart)."""
    head = ChainHead.objects.filter(pk=1).first()
    sequence, digest = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    return Checkpoint.objects.create(sequence=sequence, hash=digest)
