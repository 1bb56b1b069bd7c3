"""Who holds which role, and whose account works: every change on the audit trail.

An administrator manages users but sees no patient: giving themselves a role that opens
patients' records would be access nobody approved, so it is refused (another
administrator must do it, and the trail names them).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission, User
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


def _perm_names(permissions: Iterable[Permission]) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@transaction.atomic
def change_privileges(
    *,
    actor: User,
    user: User,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    permissions: Iterable[Permission] | None = None,
) -> None:
    """Set admin site access, superuser status and permissions held outside any role.

    None leaves that privilege as it is. Each bypasses or adds to the roles, so a change
    is recorded like a role change; only a superuser may make one (the admin shows these
    fields to superusers alone) except admin site access.
    """
    _check(actor)
    if (is_superuser is not None or permissions is not None) and not actor.is_superuser:
        raise PermissionDenied("Only a superuser changes superusers and permissions.")
    changed: dict[str, bool] = {}
    for name, wanted_flag in (("is_staff", is_staff), ("is_superuser", is_superuser)):
        if wanted_flag is not None and getattr(user, name) != wanted_flag:
            setattr(user, name, wanted_flag)
            changed[name] = wanted_flag
    added: list[str] = []
    removed: list[str] = []
    if permissions is not None:
        wanted = list(permissions)
        before = _perm_names(user.user_permissions.select_related("content_type"))
        after = _perm_names(wanted)
        added, removed = sorted(after - before), sorted(before - after)
        if added or removed:
            user.user_permissions.set(wanted)
    if not changed and not added and not removed:
        return
    if changed:
        user.save(update_fields=list(changed))
    changes = {**changed, "permissions_added": added, "permissions_removed": removed}
    detail = {"username": user.username, **changes}
    record_event(
        actor=actor, action=Action.PRIVILEGES_CHANGED, target=user, detail=detail
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
