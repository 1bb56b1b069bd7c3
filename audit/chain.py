"""The canonical form of an audit event and its chained hash.

Recording and verification both go through event_hash, so they cannot disagree.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Serialise an event's fields deterministically: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def event_fields(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    patient_public_id: str | None,
    ip_address: str | None,
    user_agent: str,
    reason: str,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """The fields that the hash covers, in their canonical Python form."""
    return {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "patient": patient_public_id,
        "ip_address": ip_address,
        "user_agent": user_agent,
        "reason": reason,
        "detail": detail,
    }


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and this event's canonical form."""
    return hashlib.sha256(
        prev_hash.encode() + b"\n" + canonical_bytes(fields)
    ).hexdigest()
