"""Reads of hard copies and print queues, always limited to what the user may see."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from accounts.permissions import may_request_hard_copy
from hardcopy.exceptions import HardCopyNotFound
from hardcopy.models import (
    AWAITING_FILING,
    HardCopy,
    HardCopyStatus,
    overdue_cutoff,
)
from records.models import FacilityAssignment, Ward
from records.selectors import patients_visible_to

AnyUser = User | AnonymousUser
QUEUE_STATUSES = (
    HardCopyStatus.QUEUED,
    HardCopyStatus.RENDERING,
    HardCopyStatus.READY,
    HardCopyStatus.PRINTED,
    HardCopyStatus.FAILED,
)


def may_print(user: AnyUser) -> bool:
    """True if the user's role may request, print and file hard copies."""
    return may_request_hard_copy(user)


def hard_copies_visible_to(user: AnyUser) -> QuerySet[HardCopy]:
    """Hard copies of patients whose record the user may open, if the role may print."""
    if not may_print(user):
        return HardCopy.objects.none()
    return HardCopy.objects.filter(
        patient__in=patients_visible_to(user)
    ).select_related(
        "patient__facility", "ward", "requested_by", "printed_by", "filed_by"
    )


def hard_copies_to_retrieve(user: AnyUser) -> QuerySet[HardCopy]:
    """Printed copies asked back after a wrong-patient move, not yet taken out."""
    return hard_copies_visible_to(user).filter(
        retrieval_requested_at__isnull=False, retrieved_at__isnull=True
    )


def hard_copy_for(user: AnyUser, public_id: UUID | str) -> HardCopy:
    """The hard copy if the user may see it; HardCopyNotFound (404) otherwise."""
    try:
        return hard_copies_visible_to(user).get(public_id=public_id)
    except (HardCopy.DoesNotExist, ValueError) as exc:
        raise HardCopyNotFound("No such hard copy.") from exc


def print_queue_wards(user: AnyUser) -> QuerySet[Ward]:
    """Wards whose print queue the user works: their own, or their facilities' wards."""
    if not may_print(user):
        return Ward.objects.none()
    user_id = user.pk if isinstance(user, User) else 0
    facilities = FacilityAssignment.objects.filter(user_id=user_id).values(
        "facility_id"
    )
    return (
        Ward.objects.filter(
            Q(memberships__user_id=user_id) | Q(facility_id__in=facilities)
        )
        .select_related("facility")
        .distinct()
    )


def ward_for(user: AnyUser, public_id: UUID | str) -> Ward:
    """A ward whose print queue the user works; HardCopyNotFound (404) otherwise."""
    try:
        return print_queue_wards(user).get(public_id=public_id)
    except (Ward.DoesNotExist, ValueError) as exc:
        raise HardCopyNotFound("No such print queue.") from exc


def print_queue(user: AnyUser, ward: Ward) -> QuerySet[HardCopy]:
    """The ward's hard copies not yet filed, oldest first."""
    return hard_copies_visible_to(user).filter(ward=ward, status__in=QUEUE_STATUSES)


def overdue_hard_copies(user: AnyUser) -> QuerySet[HardCopy]:
    """Copies the user may see that were not filed within the allowed days."""
    return hard_copies_visible_to(user).filter(
        status__in=AWAITING_FILING, requested_at__lt=overdue_cutoff()
    )
