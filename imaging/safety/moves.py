"""Wrong-patient correction: request by one person, approval by a second, full history kept."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.roles import Role, has_role
from audit.services import Action, record_event
from imaging import hooks
from imaging.exceptions import ImagingError, InvalidField, PatientNotFound
from imaging.models import ClinicalImage, MoveRequest
from records.models import Patient
from records.selectors import can_view_patient, patients_visible_to


class MoveConflict(ImagingError):
    status_code = 409


@transaction.atomic
def request_move(
    *,
    actor: User,
    image: ClinicalImage,
    to_patient: Patient,
    reason: str,
    request: HttpRequest | None = None,
) -> MoveRequest:
    """Ask for an image to be moved to the right patient; nothing moves yet."""
    if not can_view_patient(actor, image.patient) or not can_view_patient(
        actor, to_patient
    ):
        raise PatientNotFound("No such patient.")
    if not reason.strip():
        raise InvalidField("Say why the image is on the wrong patient.", field="reason")
    if to_patient.pk == image.patient_id:
        raise InvalidField("The image is already on that patient.", field="to_patient")
    if to_patient.facility_id != image.patient.facility_id:
        raise InvalidField(
            "Images move only between patients of the same facility.",
            field="to_patient",
        )
    if MoveRequest.objects.filter(
        image=image, status=MoveRequest.Status.PENDING
    ).exists():
        raise MoveConflict("A move of this image is already awaiting approval.")
    move = MoveRequest.objects.create(
        image=image,
        from_patient=image.patient,
        to_patient=to_patient,
        reason=reason.strip(),
        requested_by=actor,
    )
    for patient in (image.patient, to_patient):
        record_event(
            actor=actor,
            action=Action.MOVE_REQUESTED,
            target=image,
            patient=patient,
            request=request,
            reason=move.reason,
            detail=_detail(move),
        )
    return move


def _detail(move: MoveRequest) -> dict[str, str]:
    return {
        "move": str(move.public_id),
        "from_patient": str(move.from_patient.public_id),
        "from_mrn": move.from_patient.mrn,
        "to_patient": str(move.to_patient.public_id),
        "to_mrn": move.to_patient.mrn,
    }


def _may_decide(actor: User, move: MoveRequest) -> bool:
    """Records managers of the facility, or ward staff who can see both patients."""
    if has_role(actor, Role.RECORDS_MANAGER):
        return can_view_patient(actor, move.from_patient)
    return (
        has_role(actor, Role.WARD_STAFF)
        and can_view_patient(actor, move.from_patient)
        and can_view_patient(actor, move.to_patient)
    )


def moves_awaiting(user: User) -> QuerySet[MoveRequest]:
    """Pending moves this user may decide: never their own (see _may_decide)."""
    visible = patients_visible_to(user)
    pending = (
        MoveRequest.objects.filter(
            status=MoveRequest.Status.PENDING, from_patient__in=visible
        )
        .exclude(requested_by=user)
        .select_related("from_patient__facility", "to_patient", "requested_by", "image")
    )
    if has_role(user, Role.RECORDS_MANAGER):
        return pending
    if has_role(user, Role.WARD_STAFF):
        return pending.filter(to_patient__in=visible)
    return pending.none()


def _lock_for_decision(actor: User, move: MoveRequest) -> MoveRequest:
    """The request, locked; refused unless a second person may still decide it."""
    locked = (
        MoveRequest.objects.select_for_update()
        .select_related("image", "from_patient", "to_patient")
        .get(pk=move.pk)
    )
    if not _may_decide(actor, locked):
        raise PatientNotFound("No such move request.")
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied("A second person must decide the move you requested.")
    if locked.status != MoveRequest.Status.PENDING:
        raise MoveConflict("This move has already been decided.")
    return locked


def _record_decision(
    actor: User,
    move: MoveRequest,
    action: str,
    reason: str,
    request: HttpRequest | None,
) -> None:
    # Both patients' access reports show the decision: one event on each.
    for patient in (move.from_patient, move.to_patient):
        record_event(
            actor=actor,
            action=action,
            target=move.image,
            patient=patient,
            request=request,
            reason=reason,
            detail=_detail(move),
        )


@transaction.atomic
def decline_move(
    *,
    actor: User,
    move: MoveRequest,
    reason: str,
    request: HttpRequest | None = None,
) -> MoveRequest:
    """A second person finds the image is on the right patient after all: nothing moves."""
    if not reason.strip():
        raise InvalidField("Say why the image should stay where it is.", field="reason")
    locked = _lock_for_decision(actor, move)
    locked.status = MoveRequest.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    _record_decision(actor, locked, Action.MOVE_DECLINED, reason.strip(), request)
    return locked


@transaction.atomic
def approve_move(
    *, actor: User, move: MoveRequest, request: HttpRequest | None = None
) -> MoveRequest:
    """A second person agrees: the image moves, keeping its whole history."""
    locked = _lock_for_decision(actor, move)
    image = ClinicalImage.objects.select_for_update().get(pk=locked.image_id)
    if image.patient_id != locked.from_patient_id:
        raise MoveConflict("The image has moved since this request was made.")
    image.patient = locked.to_patient
    image.encounter = None
    image.save(update_fields=["patient", "encounter"])
    moved = hooks.MovedImage(
        image=image, wrong_patient=locked.from_patient, actor=actor, request=request
    )
    # Hard copies are corrected, and the right patient's facts re-date the image.
    for announce in hooks.image_moved:
        announce(moved)
    locked.status = MoveRequest.Status.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    # Both patients' access reports show the move: one event on each.
    for patient in (locked.from_patient, locked.to_patient):
        record_event(
            actor=actor,
            action=Action.MOVE_APPROVED,
            target=image,
            patient=patient,
            request=request,
            reason=locked.reason,
            detail=_detail(locked),
        )
    return locked
