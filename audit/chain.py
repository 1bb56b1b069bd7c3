"""The canonical form of an audit event and its chained hash.

Recording and verification both go through event_hash, so they cannot disagree. Every
value is normalised *before* it is hashed and stored, to the form both PostgreSQL and
SQLite give back unchanged: otherwise a chain recorded on one engine (or read back after
a round trip through jsonb or inet) would fail verification without any tampering.
"""

import hashlib
import ipaddress
import json
import math
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def clean_text(value: object, limit: int | None = None) -> str:
    """Text as both engines store it: no NUL (PostgreSQL refuses it), valid UTF-8."""
    text = str(value).replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit] if limit is not None else text


def clean_json(value: object) -> JsonValue:
    """A JSON value that survives jsonb and SQLite text unchanged.

    Floats become text: jsonb keeps numbers as numeric, so 1e20 comes back as an integer
    and would change the canonical form. Anything not JSON becomes its text.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [clean_json(v) for v in items]
    return clean_text(value)


def clean_ip(value: object) -> str | None:
    """An address in the form PostgreSQL's inet gives back, or None if it is not one."""
    if value in (None, ""):
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # inet prints ::ffff:192.0.2.1 where Python 3.11 prints ::ffff:c000:201.
        address = address.ipv4_mapped
    return str(address)


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Serialise an event's fields deterministically: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def canonical_time(occurred_at: datetime) -> str:
    """UTC with microseconds: what both engines store, whatever zone it is read in."""
    return occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


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
    detail: Any,
) -> dict[str, Any]:
    """The fields that the hash covers, in their canonical Python form."""
    return {
        "sequence": sequence,
        "occurred_at": canonical_time(occurred_at),
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
