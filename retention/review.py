"""Reviewing a proposed batch: removing items, two approvals, objections."""

from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_approve_disposal
from audit.services import Action, record_event
from common.queue import enqueue
from retention.compute import UNVERIFIED
from retention.exceptions import RetentionRefused
from retention.models import DisposalBatch, DisposalItem, DisposalObjection
from retention.verification import NOT_VERIFIED, unverified_q

Status = DisposalBatch.Status


def _lock(actor: User, batch: DisposalBatch) -> DisposalBatch:
    if not may_approve_disposal(actor):
        raise PermissionDenied("Only records managers review disposal.")
    return DisposalBatch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def remove_disposal_items(
    *,
    actor: User,
    batch: DisposalBatch,
    image_ids: Collection[int],
    reason: str,
    request: HttpRequest | None = None,
) -> int:
    """Take images out of a batch before anyone has approved it; they are kept."""
    locked = _lock(actor, batch)
    if locked.status != Status.PROPOSED:
        raise RetentionRefused("Items can be removed only before the first approval.")
    if not reason.strip():
        raise RetentionRefused("Say why the images are kept.")
    removed = DisposalItem.objects.filter(
        batch=locked, image_id__in=image_ids, outcome=DisposalItem.Outcome.PENDING
    ).update(outcome=DisposalItem.Outcome.REMOVED, note=reason.strip()[:300])
    record_event(
        actor=actor,
        action=Action.DISPOSAL_ITEMS_REMOVED,
        target=locked,
        request=request,
        reason=reason.strip(),
        detail={"images": sorted(image_ids), "removed": removed},
    )
    return removed


@transaction.atomic
def approve_disposal(
    *, actor: User, batch: DisposalBatch, request: HttpRequest | None = None
) -> DisposalBatch:
    """First or second approval; the second starts the waiting period for objections."""
    locked = _lock(actor, batch)
    now = timezone.now()
    if locked.proposed_by_id == actor.pk:
        raise RetentionRefused(
            "The records manager who proposed a batch cannot approve it."
        )
    if locked.status == Status.PROPOSED:
        locked.status = Status.APPROVED_ONCE
        locked.first_approved_by, locked.first_approved_at = actor, now
    elif locked.status == Status.APPROVED_ONCE:
        if locked.first_approved_by_id == actor.pk:
            raise RetentionRefused("A second, different records manager must approve.")
        wait = timedelta(days=settings.CUSTODIAN_DISPOSAL_WAIT_DAYS)
        locked.status = Status.APPROVED
        locked.second_approved_by, locked.second_approved_at = actor, now
        locked.effective_at = now + wait
    else:
        raise RetentionRefused("This batch is not awaiting approval.")
    locked.save()
    # An approval never covers an image dated by a rule not yet verified: kept.
    unchecked = DisposalItem.objects.filter(
        Q(basis__endswith=UNVERIFIED) | unverified_q("image__"),
        batch=locked,
        outcome=DisposalItem.Outcome.PENDING,
    )
    kept = unchecked.update(outcome=DisposalItem.Outcome.KEPT, note=NOT_VERIFIED)
    record_event(
        actor=actor,
        action=Action.DISPOSAL_APPROVED,
        target=locked,
        request=request,
        detail={"status": locked.status, "kept_unverified": kept},
    )
    return locked


@transaction.atomic
def object_to_disposal(
    *,
    actor: User,
    batch: DisposalBatch,
    reason: str,
    request: HttpRequest | None = None,
) -> DisposalObjection:
    """Stop a batch before it is carried out; its images are kept and swept again later."""
    locked = _lock(actor, batch)
    if locked.status not in (Status.PROPOSED, Status.APPROVED_ONCE, Status.APPROVED):
        raise RetentionRefused("This batch can no longer be objected to.")
    if not reason.strip():
        raise RetentionRefused("Say why you object.")
    objection = DisposalObjection.objects.create(
        batch=locked, raised_by=actor, reason=reason.strip()
    )
    locked.status = Status.OBJECTED
    locked.save(update_fields=["status"])
    record_event(
        actor=actor,
        action=Action.DISPOSAL_OBJECTED,
        target=locked,
        request=request,
        reason=objection.reason,
    )
    return objection


@transaction.atomic
def start_disposal(
    *, actor: User, batch: DisposalBatch, request: HttpRequest | None = None
) -> DisposalBatch:
    """Carry out an approved batch now that its waiting period is over."""
    locked = _lock(actor, batch)
    if locked.status not in (Status.APPROVED, Status.DISPOSING):
        raise RetentionRefused("Only a batch approved twice can be carried out.")
    if locked.effective_at is None or locked.effective_at > timezone.now():
        raise RetentionRefused("The waiting period for objections is not over.")
    record_event(
        actor=actor, action=Action.DISPOSAL_STARTED, target=locked, request=request
    )
    enqueue("retention.tasks.carry_out_disposal", locked.pk)
    return locked
