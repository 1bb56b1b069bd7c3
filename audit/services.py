"""Recording audit events: the one way anything is written to the trail."""

from typing import Any, Protocol
from uuid import UUID

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.chain import (
    GENESIS_HASH,
    clean_ip,
    clean_json,
    clean_text,
    event_fields,
    event_hash,
)
from audit.models import (
    OBJECT_ID_LENGTH,
    OBJECT_TYPE_LENGTH,
    USER_AGENT_LENGTH,
    AuditEvent,
    ChainHead,
)

Action = AuditEvent.Action


class HasPublicId(Protocol):
    public_id: UUID


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # axes resolves the client behind the configured proxies (AXES_CLIENT_IP_CALLABLE);
    # it has done so already on sign-in requests, and is asked the same way otherwise.
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return clean_ip(ip)


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return clean_text(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_LENGTH)


def _describe(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    ident = getattr(target, "public_id", None) or target.pk
    return (
        clean_text(target._meta.label_lower, OBJECT_TYPE_LENGTH),
        clean_text(ident, OBJECT_ID_LENGTH),
    )


def _lock_head() -> ChainHead:
    """Lock the chain head row for the rest of the transaction, creating it if missing.

    On PostgreSQL the row lock (SELECT ... FOR UPDATE) queues concurrent writers, and
    READ COMMITTED hands each one the head its predecessor committed. On SQLite every
    transaction begins IMMEDIATE (settings), which already holds the database's write lock.
    """
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # The row is made by a migration; a flushed database (tests) or a deleted row
    # continues from the newest event. ON CONFLICT DO NOTHING lets racing writers agree.
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    start = last or {"sequence": 0, "hash": GENESIS_HASH}
    ChainHead.objects.bulk_create([ChainHead(pk=1, **start)], ignore_conflicts=True)
    return ChainHead.objects.select_for_update().get(pk=1)


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
    """Append one event to the hash chain, inside the caller's transaction.

    The chain head stays locked until the caller's transaction ends, queueing every
    other audited write: call this last, after the slow work.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    user = actor if isinstance(actor, User) else None
    object_type, object_id = _describe(target)
    clean_detail = clean_json(detail or {})
    head = _lock_head()
    # Taken under the lock, so that time order and sequence order agree.
    occurred_at = timezone.now()
    fields = event_fields(
        sequence=head.sequence + 1,
        occurred_at=occurred_at,
        actor_id=user.pk if user else None,
        actor_username=clean_text(user.get_username()) if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_public_id=(
            str(UUID(str(patient.public_id))) if patient is not None else None
        ),
        ip_address=_client_ip(request),
        user_agent=_user_agent(request),
        reason=clean_text(reason),
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
        reason=fields["reason"],
        detail=clean_detail,
        prev_hash=head.hash,
        hash=digest,
    )
    ChainHead.objects.filter(pk=1).update(sequence=event.sequence, hash=digest)
    return event
