"""Medico-legal flags: reasons of retention's own to keep images past their date."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from imaging.models import ClinicalImage
from records.models import Patient
from retention.models import MedicoLegalFlag


def _check(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only records managers change retention facts.")


def active_flags() -> QuerySet[MedicoLegalFlag]:
    return MedicoLegalFlag.objects.filter(cleared_at__isnull=True)


def flag_filter(prefix: str = "") -> Q:
    """A Q on ClinicalImage (or a relation to it, via prefix) matching flagged images."""
    flags = active_flags()
    return Q(**{f"{prefix}patient__medico_legal_flags__in": flags}) | Q(
        **{f"{prefix}medico_legal_flags__in": flags}
    )


def is_flagged(image: ClinicalImage) -> bool:
    return (
        active_flags().filter(Q(image=image) | Q(patient_id=image.patient_id)).exists()
    )


@transaction.atomic
def set_medico_legal_flag(
    *,
    actor: User,
    kind: str,
    reason: str,
    patient: Patient | None = None,
    image: ClinicalImage | None = None,
    request: HttpRequest | None = None,
) -> MedicoLegalFlag:
    """Suspend disposal of a patient's or an image's records until the flag is cleared."""
    _check(actor)
    if (patient is None) == (image is None):
        raise ValidationError({"scope": "Flag either a patient or one image."})
    flag = MedicoLegalFlag(
        kind=kind, reason=reason.strip(), patient=patient, image=image, set_by=actor
    )
    flag.full_clean()
    flag.save()
    record_event(
        actor=actor,
        action=Action.FLAG_SET,
        target=flag,
        patient=patient or (image.patient if image else None),
        request=request,
        reason=flag.reason,
        detail={"kind": kind},
    )
    return flag


@transaction.atomic
def clear_medico_legal_flag(
    *,
    actor: User,
    flag: MedicoLegalFlag,
    reason: str,
    request: HttpRequest | None = None,
) -> MedicoLegalFlag:
    """Clear a flag, saying why; disposal may then proceed under the schedule."""
    _check(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the flag is cleared."})
    locked = MedicoLegalFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.cleared_at is not None:
        raise ValidationError({"flag": "This flag has already been cleared."})
    locked.cleared_by, locked.cleared_at = actor, timezone.now()
    locked.clear_reason = reason.strip()
    locked.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
    target_patient = locked.patient or (locked.image.patient if locked.image else None)
    record_event(
        actor=actor,
        action=Action.FLAG_CLEARED,
        target=locked,
        patient=target_patient,
        request=request,
        reason=locked.clear_reason,
    )
    return locked
