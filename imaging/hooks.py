"""What later apps (hardcopy, legal, retention, interop) add to clinical images.

imaging never imports those apps: each registers here in its AppConfig.ready(), and
imaging calls whatever is registered (docs/architecture.md, "How the arrows stay
one-way"). Every function runs inside the caller's transaction, so what it writes
commits or rolls back with the act that caused it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.http import HttpRequest

from common.hooks import Hook
from imaging.models import ClinicalImage
from records.models import Patient

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Keeper:
    """A reason a later app keeps images from disposal, whatever their retain-until."""

    key: str
    # In words, for the disposal register and the image page: "under a legal hold".
    reason: str
    # A Q on ClinicalImage (or on a relation to it, through the prefix) of kept images.
    matches: Callable[[str], Q]


@dataclass(frozen=True)
class MovedImage:
    """An image just moved to the right patient, inside the move's transaction."""

    image: ClinicalImage
    wrong_patient: Patient
    actor: User
    request: HttpRequest | None


@dataclass(frozen=True)
class PageSection:
    """A section a later app adds to the image page: its template and that's context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Images a user may see beyond their patients' (legal: the scope of their open matters).
visibility_grants: Hook[Callable[[AnyUser], Q]] = Hook("visibility_grants")
# Reasons to keep images (legal holds; retention's freezes and flags).
keepers: Hook[Keeper] = Hook("keepers")
# A new image is stored (called in the capture's transaction; enqueue work on commit).
image_captured: Hook[Callable[[ClinicalImage], None]] = Hook("image_captured")
# An image was moved off the wrong patient.
image_moved: Hook[Callable[[MovedImage], None]] = Hook("image_moved")
# Disposal: copies of the image on paper that must be destroyed by hand (register note).
paper_copies_exist: Hook[Callable[[ClinicalImage], bool]] = Hook("paper_copies_exist")
# Disposal: destroy what a later app made of the image (in the disposal's transaction).
image_disposing: Hook[Callable[[ClinicalImage], None]] = Hook("image_disposing")
# The image page: sections later apps show (None: nothing for this image and user).
image_page_sections: Hook[Callable[[ClinicalImage, AnyUser], PageSection | None]] = (
    Hook("image_page_sections")
)
# Disposal: data keys of other objects showing the image, shredded with the image's own.
keys_shown_with: Hook[Callable[[UUID], list[UUID]]] = Hook("keys_shown_with")


def extra_visibility(user: AnyUser) -> Q:
    """A Q on ClinicalImage: images later apps let the user see (none registered: none)."""
    rule = Q(pk__in=[])
    for grant in visibility_grants:
        rule |= grant(user)
    return rule


def kept_q(prefix: str = "") -> Q:
    """A Q matching images any keeper keeps (through prefix, from a related model)."""
    rule = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for keeper in keepers:
        rule |= keeper.matches(prefix)
    return rule


def keep_reasons(image: ClinicalImage) -> list[str]:
    """Why the image is kept now, in words (empty: nothing keeps it)."""
    return [
        keeper.reason
        for keeper in keepers
        if ClinicalImage.objects.filter(keeper.matches(""), pk=image.pk).exists()
    ]


def is_kept_by(image: ClinicalImage, key: str) -> bool:
    """True if the named keeper (e.g. "legal_hold") keeps the image."""
    return any(
        ClinicalImage.objects.filter(keeper.matches(""), pk=image.pk).exists()
        for keeper in keepers
        if keeper.key == key
    )
