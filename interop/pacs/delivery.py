"""Sending one PacsSend: claim it, build the DICOM object, C-STORE it, record the outcome.

The Celery task interop.tasks.send_to_pacs calls deliver_send; send_to_pacs (the command)
calls it directly for backfills. Safe to run twice: only a queued send (or one left
'sending' by a dead worker) is claimed, with a conditional UPDATE.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import Action, record_event
from imaging.bodysites import term
from imaging.models import ClinicalImage
from interop.dicom import PacsError, PhotoForPacs, UnsupportedImage, build_dataset, send
from interop.dicom.build import series_instance_uid, study_instance_uid
from interop.models.pacs import PacsSend, PacsWithdrawal
from interop.pacs import services
from interop.pacs.exceptions import RetryLater
from records.models import Patient
from vault import blobs

Status = PacsSend.Status
TIMEOUT_SECONDS = 30.0
# A send 'sending' for longer than this was abandoned by a worker that died mid-way.
STALE_CLAIM = timedelta(minutes=10)
SERIES_KEY = "photos"
STUDY_DESCRIPTION = "Clinical photographs"
SEXES = {"female": "F", "male": "M", "other": "O"}


def _claim(send_id: int) -> datetime | None:
    """Take the send for this attempt; the claim's time, or None if not ours to send."""
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(
        status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = PacsSend.objects.filter(claimable, pk=send_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed == 1 else None


def study_key(image: ClinicalImage, zone: str) -> str:
    """One study per patient per encounter, else per capture day (the facility's date)."""
    if image.encounter is not None:
        return f"encounter:{image.encounter.public_id}"
    return f"day:{image.captured_at.astimezone(ZoneInfo(zone)).date().isoformat()}"


def _operator(image: ClinicalImage) -> str:
    if image.captured_by is not None:
        user = image.captured_by
        if user.last_name or user.first_name:
            return f"{user.last_name}^{user.first_name}"
        return user.get_username()
    return image.captured_by_name


def photo_for_pacs(image: ClinicalImage, patient: Patient) -> PhotoForPacs:
    """The image's rows and decrypted original as the DICOM builder's input."""
    facility = patient.facility
    key = blobs.data_key(image.public_id)
    original = b"".join(blobs.read_decrypted(image.storage_name, key))
    return PhotoForPacs(
        patient_id=patient.mrn,
        issuer_of_patient_id=facility.code,
        family_name=patient.family_name,
        given_names=patient.given_names,
        birth_on=patient.date_of_birth,
        sex=SEXES.get(patient.sex, ""),
        image_public_id=image.public_id,
        study_key=study_key(image, facility.time_zone),
        study_description=STUDY_DESCRIPTION,
        series_key=SERIES_KEY,
        acquired_at=image.captured_at,
        facility_zone=facility.time_zone,
        body_site_code=image.body_site_code or None,
        body_site_meaning=(term(image.body_site_code) or image.body_site or None)
        if image.body_site_code
        else None,
        laterality=image.laterality or "not_applicable",
        operator_name=_operator(image),
        manufacturer="",
        device_model=image.device,
        institution_name=facility.name,
        accession_number=None,
        original=original,
        content_type=image.content_type,
        sha256=image.sha256,
    )


def _finish(send_id: int, claimed_at: datetime, **fields: object) -> bool:
    """Record the attempt's outcome, unless the send was queued again meanwhile.

    A move (or a resend) during the attempt resets the row to queued and enqueues a new
    attempt: that one's outcome is the send's, not this stale one's.
    """
    ours = PacsSend.objects.filter(
        pk=send_id, status=Status.SENDING, claimed_at=claimed_at
    ).update(claimed_at=None, **fields)
    return bool(ours)


def deliver_send(*, send_id: int, final: bool = True) -> PacsSend | None:
    """Send one claimed PacsSend; RetryLater on a transient failure unless final."""
    claimed_at = _claim(send_id)
    if claimed_at is None:
        return None
    row = PacsSend.objects.select_related(
        "destination", "image__patient__facility", "image__encounter"
    ).get(pk=send_id)
    image, destination = row.image, row.destination
    if image.status != ClinicalImage.Status.ACTIVE:
        _finish(
            send_id,
            claimed_at,
            status=Status.FAILED,
            last_error="The image has been disposed of; nothing to send.",
        )
        return _reloaded(send_id)
    try:
        photo = photo_for_pacs(image, image.patient)
        result = send(
            build_dataset(photo),
            host=destination.host,
            port=destination.port,
            called_ae=destination.called_ae,
            calling_ae=destination.calling_ae,
            timeout=TIMEOUT_SECONDS,
        )
    except PacsError as exc:
        transient = exc.transient and not final
        status = Status.QUEUED if transient else Status.FAILED
        if _finish(send_id, claimed_at, status=status, last_error=exc.reason) and (
            transient
        ):
            raise RetryLater(exc.reason) from exc
        return _reloaded(send_id)
    except (UnsupportedImage, ValueError) as exc:
        reason = f"The image cannot be made into DICOM: {exc}"
        _finish(send_id, claimed_at, status=Status.FAILED, last_error=reason)
        return _reloaded(send_id)
    _record_sent(row, claimed_at, photo, result.sop_instance_uid)
    return _reloaded(send_id)


@transaction.atomic
def _record_sent(
    row: PacsSend, claimed_at: datetime, photo: PhotoForPacs, sop_uid: str
) -> None:
    held = services.HeldInstance(
        patient_id=photo.patient_id,
        issuer=photo.issuer_of_patient_id,
        study_instance_uid=str(study_instance_uid(photo)),
        series_instance_uid=str(series_instance_uid(photo)),
        sop_instance_uid=sop_uid,
    )
    recorded = _finish(
        row.pk,
        claimed_at,
        status=Status.SENT,
        last_error="",
        sent_at=timezone.now(),
        sop_instance_uid=sop_uid,
        study_instance_uid=held.study_instance_uid,
        series_instance_uid=held.series_instance_uid,
        sent_patient_id=held.patient_id,
        sent_issuer=held.issuer,
    )
    current = PacsSend.objects.select_related("image__patient").get(pk=row.pk)
    if not recorded and current.image.patient.mrn != photo.patient_id:
        # Moved while it was being sent: the PACS holds it under the wrong patient.
        services.note_withdrawal(current, held, PacsWithdrawal.Reason.MOVED, None)
    destination = row.destination
    # The disclosure itself: the PACS now holds the photo under this patient.
    record_event(
        actor=None,
        action=Action.PACS_SENT,
        target=current.image,
        patient=row.image.patient,
        detail={
            "send": str(row.public_id),
            "destination": destination.name,
            "pacs": f"{destination.called_ae}@{destination.host}:{destination.port}",
            "sop_instance_uid": sop_uid,
            "patient_id": photo.patient_id,
        },
    )


def _reloaded(send_id: int) -> PacsSend:
    return PacsSend.objects.get(pk=send_id)
