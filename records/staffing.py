"""Who works where: ward memberships and facility assignments, each on the audit trail.

A membership or an assignment opens patients' records, so nobody grants one to
themselves (accounts.grants.refuse_self_grant).
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.grants import refuse_self_grant
from audit.services import Action, record_event
from records.models import Facility, FacilityAssignment, StaffMembership, Ward

MANAGE_STAFF = "records.add_staffmembership"
MANAGE_ASSIGNMENTS = "records.add_facilityassignment"


def _check(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied("Only administrators decide who works where.")


@transaction.atomic
def grant_membership(*, actor: User, user: User, ward: Ward) -> StaffMembership:
    """Put a user on a ward: they may see its patients from now on."""
    _check(actor, MANAGE_STAFF)
    refuse_self_grant(actor=actor, user=user)
    membership = StaffMembership.objects.create(user=user, ward=ward)
    record_event(
        actor=actor,
        action=Action.MEMBERSHIP_GRANTED,
        target=membership,
        detail={"username": user.username, "ward": str(ward)},
    )
    return membership


@transaction.atomic
def revoke_membership(*, actor: User, membership: StaffMembership) -> None:
    """Take a user off a ward."""
    _check(actor, MANAGE_STAFF)
    record_event(
        actor=actor,
        action=Action.MEMBERSHIP_REVOKED,
        target=membership,
        detail={"username": membership.user.username, "ward": str(membership.ward)},
    )
    membership.delete()


@transaction.atomic
def assign_facility(
    *, actor: User, user: User, facility: Facility
) -> FacilityAssignment:
    """Give a user a whole facility's patients (records, privacy or legal work)."""
    _check(actor, MANAGE_ASSIGNMENTS)
    refuse_self_grant(actor=actor, user=user)
    assignment = FacilityAssignment.objects.create(user=user, facility=facility)
    record_event(
        actor=actor,
        action=Action.FACILITY_ASSIGNED,
        target=assignment,
        detail={"username": user.username, "facility": facility.code},
    )
    return assignment


@transaction.atomic
def unassign_facility(*, actor: User, assignment: FacilityAssignment) -> None:
    """Take a user off a facility."""
    _check(actor, MANAGE_ASSIGNMENTS)
    record_event(
        actor=actor,
        action=Action.FACILITY_UNASSIGNED,
        target=assignment,
        detail={
            "username": assignment.user.username,
            "facility": assignment.facility.code,
        },
    )
    assignment.delete()
