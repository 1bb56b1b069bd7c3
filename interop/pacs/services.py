"""Every change to PACS destinations and sends, except the sending itself (delivery.py)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from common.queue import enqueue
from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from interop.models.pacs import (
    DEFAULT_CALLING_AE,
    PacsDestination,
    PacsSend,
    PacsWithdrawal,
)
from interop.pacs.exceptions import (
    InvalidDestination,
    PacsSendNotFound,
    ReasonRequired,
    UnknownDestination,
)
from records.models import Facility, Patient

AnyUser = User | AnonymousUser
Status = PacsSend.Status
SEND_TASK = "interop.tasks.send_to_pacs"


def add_pacs_destination(
    *,
    name: str,
    facility_code: str,
    host: str,
    port: int,
    called_ae: str,
    calling_ae: str = DEFAULT_CALLING_AE,
    auto: bool = False,
) -> PacsDestination:
    """Record a PACS a facility's images may go to (validated before it is written)."""
    facility = Facility.objects.filter(code=facility_code).first()
    if facility is None:
        raise InvalidDestination(f"No facility {facility_code!r}.", field="facility")
    destination = PacsDestination(
        name=name,
        facility=facility,
        host=host,
        port=port,
        called_ae=called_ae,
        calling_ae=calling_ae,
        auto=auto,
    )
    try:
        destination.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidDestination(f"{field}: {' '.join(messages)}", field=field) from exc
    destination.save()
    return destination


def destination_for(image: ClinicalImage, name: str) -> PacsDestination:
    """The named destination of the image's facility."""
    destination = PacsDestination.objects.filter(
        name=name, facility_id=image.patient.facility_id
    ).first()
    if destination is None:
        raise UnknownDestination(
            f"No PACS destination {name!r} for this image's facility.",
            field="destination",
        )
    return destination


@transaction.atomic
def send_image_to_pacs(
    *,
    actor: AnyUser,
    image: ClinicalImage,
    destination: PacsDestination,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PacsSend:
    """Queue the image for the PACS (again, replacing: one send per destination)."""
    if not images_visible_to(actor).filter(pk=image.pk).exists():
        raise PacsSendNotFound("No such image.")
    if destination.facility_id != image.patient.facility_id:
        raise UnknownDestination(
            "That PACS is not one of this image's facility.", field="destination"
        )
    # Everyone who may open the PACS would see it unblurred: as for the original.
    if image.is_sensitive and not reason.strip():
        raise ReasonRequired(
            "This image is sensitive: say why it should go to the PACS; "
            "the reason is recorded.",
            field="reason",
        )
    return queue_send(
        image=image,
        destination=destination,
        actor=actor if isinstance(actor, User) else None,
        request=request,
        reason=reason.strip(),
    )


def queue_send(
    *,
    image: ClinicalImage,
    destination: PacsDestination,
    actor: User | None,
    request: HttpRequest | None = None,
    why: str = "requested",
    reason: str = "",
    enqueue_task: bool = True,
) -> PacsSend:
    """Create or reset the image's send to the destination, audit it, enqueue on commit.

    For callers that have checked access already (the API's service, automatic sends,
    backfills by an operator at the console, corrections after a move). A backfill
    sends in its own process (enqueue_task=False) to report each outcome.
    """
    with transaction.atomic():
        send, created = PacsSend.objects.select_for_update().get_or_create(
            image=image,
            destination=destination,
            defaults={"queued_at": timezone.now(), "requested_by": actor},
        )
        if not created:
            send.status = Status.QUEUED
            send.queued_at = timezone.now()
            send.requested_by = actor
            send.attempts = 0
            send.last_error = ""
            send.claimed_at = None
            send.save(
                update_fields=[
                    "status",
                    "queued_at",
                    "requested_by",
                    "attempts",
                    "last_error",
                    "claimed_at",
                ]
            )
        record_event(
            actor=actor,
            action=Action.PACS_SEND_REQUESTED,
            target=image,
            patient=image.patient,
            request=request,
            reason=reason,
            detail=_where(send, why),
        )
        if enqueue_task:
            enqueue(SEND_TASK, send.pk)
    return send


def _where(send: PacsSend, why: str) -> dict[str, str]:
    destination = send.destination
    return {
        "send": str(send.public_id),
        "destination": destination.name,
        "pacs": f"{destination.called_ae}@{destination.host}:{destination.port}",
        "why": why,
    }


def queue_automatic_sends(image: ClinicalImage) -> list[PacsSend]:
    """Queue a new image for each automatic destination of its facility.

    A sensitive image is not sent automatically: a clinician sends it, with a reason.
    """
    if image.is_sensitive:
        return []
    destinations = PacsDestination.objects.filter(
        facility_id=image.patient.facility_id, auto=True
    ).order_by("pk")
    return [
        queue_send(image=image, destination=d, actor=None, why="automatic")
        for d in destinations
    ]


@dataclass(frozen=True)
class HeldInstance:
    """An instance the PACS holds, as DICOM names it."""

    patient_id: str
    issuer: str
    study_instance_uid: str
    series_instance_uid: str
    sop_instance_uid: str


def _withdraw(send: PacsSend, reason: str, actor: User | None) -> PacsWithdrawal:
    held = HeldInstance(
        patient_id=send.sent_patient_id,
        issuer=send.sent_issuer,
        study_instance_uid=send.study_instance_uid,
        series_instance_uid=send.series_instance_uid,
        sop_instance_uid=send.sop_instance_uid,
    )
    return note_withdrawal(send, held, reason, actor)


def note_withdrawal(
    send: PacsSend, held: HeldInstance, reason: str, actor: User | None
) -> PacsWithdrawal:
    """List an instance for the PACS administrator to remove, and audit it."""
    withdrawal = PacsWithdrawal.objects.create(
        send=send,
        reason=reason,
        noted_at=timezone.now(),
        patient_id=held.patient_id,
        issuer=held.issuer,
        study_instance_uid=held.study_instance_uid,
        series_instance_uid=held.series_instance_uid,
        sop_instance_uid=held.sop_instance_uid,
    )
    record_event(
        actor=actor,
        action=Action.PACS_WITHDRAWAL,
        target=send.image,
        patient=send.image.patient,
        detail={
            "destination": send.destination.name,
            "reason": reason,
            "patient_id": held.patient_id,
            "sop_instance_uid": held.sop_instance_uid,
        },
    )
    return withdrawal


def correct_moved_image(
    image: ClinicalImage, *, wrong_patient: Patient, actor: User
) -> list[PacsWithdrawal]:
    """Note the wrong patient's instances for withdrawal; resend under the right one.

    Called inside the move's transaction. A destination of another facility than the
    right patient's gets the withdrawal only: its PACS does not hold that patient.
    """
    withdrawals = []
    sends = (
        PacsSend.objects.select_for_update()
        .filter(image=image)
        .select_related("destination", "image__patient")
        .order_by("pk")
    )
    for send in sends:
        if send.sop_instance_uid and send.sent_patient_id == wrong_patient.mrn:
            withdrawals.append(_withdraw(send, PacsWithdrawal.Reason.MOVED, actor))
        if send.destination.facility_id == image.patient.facility_id:
            queue_send(
                image=image,
                destination=send.destination,
                actor=actor,
                why="moved to another patient",
            )
    return withdrawals


def withdraw_disposed_image(image: ClinicalImage) -> list[PacsWithdrawal]:
    """Note every instance sent of an image being disposed of (disposal's transaction)."""
    sends = (
        PacsSend.objects.select_for_update()
        .filter(image=image)
        .exclude(sop_instance_uid="")
        .select_related("destination", "image__patient")
        .order_by("pk")
    )
    return [_withdraw(send, PacsWithdrawal.Reason.DISPOSED, None) for send in sends]
