"""Pure predicates about what a user may do (the patient rule is records.selectors)."""

from django.contrib.auth.models import AnonymousUser, User

from accounts.permissions import Perm
from accounts.roles import Role, has_role


def may_see_access_history(user: User | AnonymousUser) -> bool:
    """Records managers and privacy officers see an image's access history.

    Ward staff do not: the history names colleagues and what they looked at, which is
    the privacy officers' business (access reports), not a clinical need.
    """
    return has_role(user, Role.RECORDS_MANAGER) or has_role(user, Role.PRIVACY_OFFICER)


def may_break_glass(user: User | AnonymousUser) -> bool:
    """Ward staff may open a patient outside their wards, giving a reason."""
    return has_role(user, Role.WARD_STAFF) and user.has_perm(Perm.BREAK_GLASS)
