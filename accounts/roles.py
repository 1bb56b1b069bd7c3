"""The roles of DESIGN.md §4, held as Django groups, and the permissions each carries.

The groups are created and kept in step by data migrations that read ROLE_PERMISSIONS;
a role change is a new migration, so every database gets the same roles.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db import models


class Role(models.TextChoices):
    WARD_STAFF = "Ward staff"
    RECORDS_MANAGER = "Records manager"
    LEGAL = "Legal"
    PRIVACY_OFFICER = "Privacy officer"
    ADMINISTRATOR = "Administrator"


# Roles whose work is clinical data; administrators manage users and see no images.
CLINICAL_ROLES = frozenset(
    {Role.WARD_STAFF, Role.RECORDS_MANAGER, Role.PRIVACY_OFFICER}
)
PRIVILEGED_ROLES = frozenset(
    {Role.RECORDS_MANAGER, Role.LEGAL, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR}
)

# "app_label.codename" for each role.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.WARD_STAFF: [
        "records.view_patient",
        "records.view_encounter",
        "records.break_glass",
        "imaging.view_clinicalimage",
        "imaging.capture_image",
        "imaging.download_original",
        "imaging.request_hard_copy",
        "imaging.export_for_teaching",
    ],
    Role.RECORDS_MANAGER: [
        "records.view_patient",
        "records.view_encounter",
        "records.view_facility",
        "records.view_ward",
        "records.manage_retention",
        "records.manage_legal_holds",
        "records.approve_disposal",
        "imaging.view_clinicalimage",
        "imaging.import_images",
        "imaging.download_original",
        "imaging.request_hard_copy",
        "audit.view_auditevent",
        "audit.view_access_report",
    ],
    Role.LEGAL: [
        "records.view_patient",
        "records.manage_legal_holds",
        "imaging.export_images",
        "audit.view_matter_audit",
    ],
    Role.PRIVACY_OFFICER: [
        "records.view_patient",
        "records.view_encounter",
        "records.review_break_glass",
        "imaging.view_clinicalimage",
        "audit.view_auditevent",
        "audit.view_access_report",
    ],
    Role.ADMINISTRATOR: [
        # Unlocking sign-in: the failed-attempt records django-axes locks from.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "records.view_facility",
        "records.add_facility",
        "records.change_facility",
        "records.view_ward",
        "records.add_ward",
        "records.change_ward",
        "records.view_staffmembership",
        "records.add_staffmembership",
        "records.change_staffmembership",
        "records.delete_staffmembership",
        "records.view_facilityassignment",
        "records.add_facilityassignment",
        "records.change_facilityassignment",
        "records.delete_facilityassignment",
        "interop.view_pacsdestination",
        "interop.add_pacsdestination",
        "interop.change_pacsdestination",
        "interop.view_pacssend",
        "interop.view_pacswithdrawal",
        "interop.view_feedsource",
        "interop.add_feedsource",
        "interop.change_feedsource",
    ],
}


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    """True if the user is active and belongs to the role's group."""
    if not isinstance(user, User) or not user.is_active:
        return False
    # Cached on the user object for the request: roles are asked about many times.
    names: set[str] | None = getattr(user, "_custodian_roles", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._custodian_roles = names  # type: ignore[attr-defined]
    return role in names


def roles_of(user: User | AnonymousUser) -> list[Role]:
    """The user's roles, in the order of Role."""
    return [role for role in Role if has_role(user, role)]
