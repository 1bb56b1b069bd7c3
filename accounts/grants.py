"""Who holds which role, and whose account works: every change on the audit trail.

An administrator manages users but sees no patient: giving themselves a role that opens
patients' records would be access nobody approved, so it is refused (another
administrator must do it, and the trail names them).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.permissions import may_manage_users
from accounts.roles import CLINICAL_ROLES, Role
from audit.services import Action, record_event
from common.errors import DomainError

# Roles that open patients' records (legal officers: their matters' patients).
PATIENT_ACCESS_ROLES = frozenset({*CLINICAL_ROLES, Role.LEGAL})
SELF_GRANT_REFUSED = (
    "You cannot give yourself access to patients' records: another administrator "
    "must grant it, so that the grant is approved and recorded."
)


class SelfGrantRefused(DomainError):
    status_code = 403


def refuse_self_grant(*, actor: User, user: User) -> None:
    """Refuse anyone a grant of access to patients' records made to themselves."""
    if actor.pk == user.pk:
        raise SelfGrantRefused(SELF_GRANT_REFUSED)


def opens_patients(role_names: Iterable[str]) -> bool:
    """True if any of these roles opens patients' records."""
    return bool(set(role_names) & PATIENT_ACCESS_ROLES)


def _check(actor: User) -> None:
    if not may_manage_users(actor):
        raise PermissionDenied("Only administrators manage users.")


@transaction.atomic
def change_roles(*, actor: User, user: User, groups: Iterable[Group]) -> None:
    """Give a user exactly these roles, recording what was added and removed."""
    _check(actor)
    wanted = list(groups)
    before = set(user.groups.values_list("name", flat=True))
    after = {group.name for group in wanted}
    added, removed = sorted(after - before), sorted(before - after)
    if opens_patients(added):
        refuse_self_grant(actor=actor, user=user)
    if not added and not removed:
        return
    user.groups.set(wanted)
    record_event(
        actor=actor,
        action=Action.ROLES_CHANGED,
        target=user,
        detail={"username": user.username, "added": added, "removed": removed},
    )


@transaction.atomic
def account_created(*, actor: User, user: User) -> None:
    """Record a new account (created active, with no role)."""
    _check(actor)
    record_event(
        actor=actor,
        action=Action.CREATE,
        target=user,
        detail={"username": user.username, "is_active": user.is_active},
    )


@transaction.atomic
def reactivate_account(*, actor: User, user: User) -> None:
    """Let a disabled account sign in again."""
    _check(actor)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action=Action.ACCOUNT_ACTIVATED,
        target=user,
        detail={"username": user.username},
    )
