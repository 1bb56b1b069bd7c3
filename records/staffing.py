"""Who works where: ward memberships and facility assignments, each on the audit trail.

A membership or an assignment opens patients' records, so nobody grants one to
themselves (accounts.grants.refuse_self_grant).
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.grants import refuse_self_grant
from accounts.hooks import Workplaces
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


@transaction.atomic
def set_workplaces_from_claims(user: User, workplaces: Workplaces) -> list[str]:
    """Make a user's wards and facilities exactly those the identity provider names.

    Called at every sign-in with the provider (accounts.oidc): memberships it no longer
    names are removed. Returns the codes that match no ward or facility, so that the
    sign-in reports them instead of dropping them silently.
    """
    wards: set[int] = set()
    facilities: set[int] = set()
    unknown: list[str] = []
    for code in dict.fromkeys(workplaces.codes):
        facility_code, _, ward_code = code.partition("/")
        if ward_code:
            ward = Ward.objects.filter(
                facility__code=facility_code, code=ward_code
            ).first()
            if ward is None:
                unknown.append(code)
            else:
                wards.add(ward.pk)
        else:
            facility = Facility.objects.filter(code=facility_code).first()
            if facility is None:
                unknown.append(code)
            else:
                facilities.add(facility.pk)
    detail = {"username": user.username, **workplaces.source}
    _sync_memberships(user, wards, detail)
    _sync_assignments(user, facilities, detail)
    return unknown


def _sync_memberships(user: User, wanted: set[int], detail: dict[str, str]) -> None:
    current = StaffMembership.objects.filter(user=user).select_related("ward__facility")
    for membership in current:
        if membership.ward_id not in wanted:
            record_event(
                actor=None,
                action=Action.MEMBERSHIP_REVOKED,
                target=membership,
                detail={**detail, "ward": str(membership.ward)},
            )
            membership.delete()
    have = {m.ward_id for m in current}
    for ward in Ward.objects.filter(pk__in=wanted - have).select_related("facility"):
        membership = StaffMembership.objects.create(user=user, ward=ward)
        record_event(
            actor=None,
            action=Action.MEMBERSHIP_GRANTED,
            target=membership,
            detail={**detail, "ward": str(ward)},
        )


def _sync_assignments(user: User, wanted: set[int], detail: dict[str, str]) -> None:
    current = FacilityAssignment.objects.filter(user=user).select_related("facility")
    for assignment in current:
        if assignment.facility_id not in wanted:
            record_event(
                actor=None,
                action=Action.FACILITY_UNASSIGNED,
                target=assignment,
                detail={**detail, "facility": assignment.facility.code},
            )
            assignment.delete()
    have = {a.facility_id for a in current}
    for facility in Facility.objects.filter(pk__in=wanted - have):
        assignment = FacilityAssignment.objects.create(user=user, facility=facility)
        record_event(
            actor=None,
            action=Action.FACILITY_ASSIGNED,
            target=assignment,
            detail={**detail, "facility": facility.code},
        )
