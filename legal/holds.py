"""Legal holds: placing, releasing, and asking what is held.

A hold covers whole patients (every image of theirs, present and future) or chosen
images. Disposal asks images_under_hold() at the moment of destruction, so a hold placed
after approval still wins.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_manage_legal_holds
from audit.services import Action, record_event
from legal.models import LegalHold, LegalMatter
from records.models import Patient

if TYPE_CHECKING:
    from imaging.models import ClinicalImage


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def hold_filter(prefix: str = "") -> Q:
    """A Q on ClinicalImage (or a relation to it, via prefix) matching held images."""
    held = active_holds()
    return Q(**{f"{prefix}patient__legal_holds__in": held}) | Q(
        **{f"{prefix}legal_holds__in": held}
    )


def is_under_hold(image: "ClinicalImage") -> bool:
    """True if any active hold covers the image or its patient."""
    held = active_holds()
    return (
        held.filter(images=image).exists()
        or held.filter(patients=image.patient_id).exists()
    )


@transaction.atomic
def place_legal_hold(
    *,
    actor: User,
    reason: str,
    patients: Iterable[Patient] = (),
    images: Iterable["ClinicalImage"] = (),
    matter: LegalMatter | None = None,
    request: HttpRequest | None = None,
) -> LegalHold:
    """Place a hold on patients and/or images, audited per patient."""
    if not may_manage_legal_holds(actor):
        raise PermissionDenied("Only legal officers and records managers place holds.")
    patients, images = list(patients), list(images)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is placed."})
    if not patients and not images:
        raise ValidationError({"scope": "A hold needs at least one patient or image."})
    hold = LegalHold.objects.create(
        matter=matter, reason=reason.strip(), placed_by=actor
    )
    hold.patients.set(patients)
    hold.images.set(images)
    for patient in {*patients, *(image.patient for image in images)}:
        record_event(
            actor=actor,
            action=Action.HOLD_PLACED,
            target=hold,
            patient=patient,
            request=request,
            reason=hold.reason,
            detail={"matter": matter.reference if matter else None},
        )
    return hold


@transaction.atomic
def release_legal_hold(
    *, actor: User, hold: LegalHold, reason: str, request: HttpRequest | None = None
) -> LegalHold:
    """Release a hold explicitly, with a reason; audited per patient in its scope."""
    if not may_manage_legal_holds(actor):
        raise PermissionDenied(
            "Only legal officers and records managers release holds."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is released."})
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.released_at is not None:
        raise ValidationError({"hold": "This hold has already been released."})
    locked.released_by = actor
    locked.released_at = timezone.now()
    locked.release_reason = reason.strip()
    locked.save(update_fields=["released_by", "released_at", "release_reason"])
    patients = {*locked.patients.all(), *(i.patient for i in locked.images.all())}
    for patient in patients:
        record_event(
            actor=actor,
            action=Action.HOLD_RELEASED,
            target=locked,
            patient=patient,
            request=request,
            reason=locked.release_reason,
        )
    return locked
