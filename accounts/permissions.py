"""Every permission Custodian checks, named once, and the predicates that ask them.

The permissions are Django's (held by the role groups, accounts.roles); views, APIs and
services ask these predicates (or pass Perm to permission_required) rather than spelling
"app_label.codename" strings of their own, so a permission is renamed or audited here.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser


class Perm(StrEnum):
    """The permissions in "app_label.codename" form, as Django checks them."""

    CAPTURE_IMAGE = "imaging.capture_image"
    DOWNLOAD_ORIGINAL = "imaging.download_original"
    REQUEST_HARD_COPY = "imaging.request_hard_copy"
    EXPORT_IMAGES = "imaging.export_images"
    IMPORT_IMAGES = "imaging.import_images"
    EXPORT_FOR_TEACHING = "imaging.export_for_teaching"
    BREAK_GLASS = "records.break_glass"
    REVIEW_BREAK_GLASS = "records.review_break_glass"
    MANAGE_RETENTION = "records.manage_retention"
    MANAGE_LEGAL_HOLDS = "records.manage_legal_holds"
    APPROVE_DISPOSAL = "records.approve_disposal"
    VIEW_ACCESS_REPORT = "audit.view_access_report"
    CHANGE_USER = "auth.change_user"


def may_capture(user: AnyUser) -> bool:
    """Ward staff capture images into their patients' records."""
    return user.has_perm(Perm.CAPTURE_IMAGE)


def may_download_original(user: AnyUser) -> bool:
    """The original's exact bytes, audited (clinical roles)."""
    return user.has_perm(Perm.DOWNLOAD_ORIGINAL)


def may_request_hard_copy(user: AnyUser) -> bool:
    return user.has_perm(Perm.REQUEST_HARD_COPY)


def may_export_images(user: AnyUser) -> bool:
    """Legal exports of a matter's images."""
    return user.has_perm(Perm.EXPORT_IMAGES)


def may_import_images(user: AnyUser) -> bool:
    return user.has_perm(Perm.IMPORT_IMAGES)


def may_export_for_teaching(user: AnyUser) -> bool:
    return user.has_perm(Perm.EXPORT_FOR_TEACHING)


def may_review_break_glass(user: AnyUser) -> bool:
    return user.has_perm(Perm.REVIEW_BREAK_GLASS)


def may_manage_retention(user: AnyUser) -> bool:
    return user.has_perm(Perm.MANAGE_RETENTION)


def may_manage_legal_holds(user: AnyUser) -> bool:
    return user.has_perm(Perm.MANAGE_LEGAL_HOLDS)


def may_approve_disposal(user: AnyUser) -> bool:
    return user.has_perm(Perm.APPROVE_DISPOSAL)


def may_read_access_reports(user: AnyUser) -> bool:
    return user.has_perm(Perm.VIEW_ACCESS_REPORT)


def may_manage_users(user: AnyUser) -> bool:
    return user.has_perm(Perm.CHANGE_USER)
