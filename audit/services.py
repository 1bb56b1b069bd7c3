"""Recording audit events: the one way anything is written to the trail."""

import json
from typing import Any, Protocol
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.chain import GENESIS_HASH, event_fields, event_hash
from audit.models import AuditEvent, ChainHead

Action = AuditEvent.Action


class HasPublicId(Protocol):
    public_id: UUID


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # axes resolves the client address behind configured proxies; reuse its answer.
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return str(ip) if ip else None


def _describe(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    ident = getattr(target, "public_id", None) or target.pk
    return target._meta.label_lower, str(ident)


def _lock_head() -> ChainHead:
    """Lock the chain head row for the rest of the transaction, creating it once."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # SQLite runs transactions IMMEDIATE (settings), so creation cannot race there;
        # on PostgreSQL the initial migration creates the row.
        head = ChainHead.objects.create(pk=1, sequence=0, hash=GENESIS_HASH)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def record_event(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    patient: HasPublicId | None = None,
    request: HttpRequest | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the hash chain, inside the caller's transaction."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    user = actor if isinstance(actor, User) else None
    object_type, object_id = _describe(target)
    # Round-trip through JSON so the hashed detail is exactly what the database returns.
    clean_detail = json.loads(json.dumps(detail or {}, default=str))
    head = _lock_head()
    occurred_at = timezone.now()
    fields = event_fields(
        sequence=head.sequence + 1,
        occurred_at=occurred_at,
        actor_id=user.pk if user else None,
        actor_username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_public_id=str(patient.public_id) if patient is not None else None,
        ip_address=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        reason=reason,
        detail=clean_detail,
    )
    digest = event_hash(head.hash, fields)
    event = AuditEvent.objects.create(
        sequence=fields["sequence"],
        occurred_at=occurred_at,
        actor=user,
        actor_username=fields["actor_username"],
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_public_id=fields["patient"],
        ip_address=fields["ip_address"],
        user_agent=fields["user_agent"],
        reason=reason,
        detail=clean_detail,
        prev_hash=head.hash,
        hash=digest,
    )
    ChainHead.objects.filter(pk=1).update(sequence=event.sequence, hash=digest)
    return event
