"""The ingest service: the one way an image enters a patient's record.

Every channel (capture page, API, bulk import, demo data) calls capture_image. It checks
the user may capture for the patient, validates the fields and the bytes (by decoding),
hashes what was received, encrypts it under a fresh data key, stores it, creates the
record and its audit event in one transaction; any failure leaves no row and no object.
"""

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_capture, may_import_images
from audit.services import Action, record_event
from common.queue import enqueue
from imaging import bodysites, hooks
from imaging.exceptions import (
    DuplicateImage,
    IdempotencyKeyReused,
    InvalidField,
    PatientNotFound,
    UploadTooLarge,
)
from imaging.models import CaptureHandoff, ClinicalImage
from imaging.safety.handoff import check_binding
from imaging.validation import ImageFacts, inspect_image
from records.models import Encounter, Patient
from records.selectors import can_view_patient
from vault import blobs

READ_CHUNK = 1024 * 1024
# No consent is assumed: these say so when it is missing (the page and the API).
CONSENT_KIND_REQUIRED = "Choose the consent the patient gave."
CONSENT_PURPOSES_REQUIRED = (
    "Choose what the consent covers: clinical care, teaching or publication."
)
PURPOSES = ("care", "teaching", "publication")
MAX_NOTE = 2000


@dataclass(frozen=True)
class CaptureDetails:
    """What the clinician tells us about a photo; blanks are filled from EXIF or defaults."""

    capture_mode: str
    consent_kind: str
    consent_purposes: Sequence[str] = ("care",)
    captured_at: datetime | None = None
    captured_by: User | None = None
    captured_by_name: str = ""
    device: str = ""
    body_site: str = ""
    body_site_code: str = ""
    sensitivity: str = ""
    laterality: str = ""
    view: str = ""
    note: str = ""
    encounter: Encounter | None = None
    idempotency_key: str = ""
    original_filename: str = ""
    # What the wristband barcode scan (or typed MRN) said, where the facility asks for it.
    wristband: str | None = None
    # The hand-off binding of the session uploading (imaging.safety.handoff), if any.
    handoff: CaptureHandoff | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CaptureResult:
    image: ClinicalImage
    created: bool


def _check_choice(
    value: str, choices: Sequence[str], field_name: str, label: str
) -> None:
    if value not in choices:
        allowed = ", ".join(choices)
        raise InvalidField(
            f"Unknown {label} {value!r}; choose one of {allowed}.", field=field_name
        )


def _validate_choices(details: CaptureDetails) -> None:
    """Coded fields: required ones must be known; optional ones known when given."""
    optional = {"laterality", "sensitivity", "body_site_code"}
    for name, label, allowed in (
        ("capture_mode", "capture mode", ClinicalImage.CaptureMode.values),
        ("consent_kind", "consent kind", ClinicalImage.ConsentKind.values),
        ("laterality", "laterality", ClinicalImage.Laterality.values),
        ("sensitivity", "sensitivity", ClinicalImage.Sensitivity.values),
        ("body_site_code", "body site code", list(bodysites.OFFERED)),
    ):
        value = getattr(details, name)
        if value or name not in optional:
            _check_choice(value, allowed, name, label)


def validate_details(details: CaptureDetails, patient: Patient, channel: str) -> None:
    """Refuse bad fields before any byte is stored."""
    _validate_choices(details)
    for purpose in details.consent_purposes:
        _check_choice(purpose, PURPOSES, "consent_purposes", "consent purpose")
    if len(details.note) > MAX_NOTE:
        raise InvalidField(
            f"The note is limited to {MAX_NOTE} characters.", field="note"
        )
    for name, limit in (
        ("captured_by_name", 200),
        ("device", 200),
        ("body_site", 200),
        ("view", 100),
        ("idempotency_key", 100),
    ):
        if len(getattr(details, name)) > limit:
            raise InvalidField(f"{name} is limited to {limit} characters.", field=name)
    if details.captured_at is not None:
        if timezone.is_naive(details.captured_at):
            raise InvalidField(
                "captured_at needs a time zone offset.", field="captured_at"
            )
        if details.captured_at > timezone.now():
            raise InvalidField(
                "captured_at cannot be in the future.", field="captured_at"
            )
    _check_wristband(details, patient, channel)
    if details.encounter is not None and details.encounter.patient_id != patient.pk:
        raise InvalidField(
            "That encounter belongs to another patient.", field="encounter"
        )


# A records manager migrating a facility's folder, and the demo seeder, store photos
# taken long ago and far from the bed: there is no wristband to scan, and requiring one
# would refuse every row. Every other channel (a new channel too) is a bedside capture.
NOT_AT_THE_BEDSIDE = frozenset(
    {ClinicalImage.Channel.IMPORT, ClinicalImage.Channel.SEED}
)


def _check_wristband(details: CaptureDetails, patient: Patient, channel: str) -> None:
    """Where the facility asks for it, the wristband must be given and name the patient."""
    if not patient.facility.requires_wristband_scan or channel in NOT_AT_THE_BEDSIDE:
        return
    if not (details.wristband or "").strip():
        raise InvalidField(
            "Scan or type the wristband: this hospital checks it before storing a "
            "photo. Nothing was stored.",
            field="wristband",
        )
    if not wristband_matches(details.wristband, patient):
        raise InvalidField(
            f"The wristband does not match {patient.full_name}, MRN {patient.mrn}. "
            "Check you have the right patient.",
            field="wristband",
        )


def wristband_matches(scanned: str | None, patient: Patient) -> bool:
    """True if a wristband scan names this patient: the MRN, or FACILITY:MRN / FACILITY-MRN."""
    if not scanned:
        return False
    text = scanned.strip().upper()
    mrn = patient.mrn.upper()
    code = patient.facility.code.upper()
    return text in {mrn, f"{code}:{mrn}", f"{code}-{mrn}", f"{code}{mrn}"}


def _sensitivity(details: CaptureDetails) -> str:
    """As chosen; an intimate coded site is sensitive unless the user said otherwise."""
    if details.sensitivity:
        return details.sensitivity
    site = bodysites.BY_CODE.get(details.body_site_code)
    return ClinicalImage.Sensitivity.INTIMATE if site and site.sensitive else ""


def _spool(upload: IO[bytes]) -> tuple[IO[bytes], str, int]:
    """Copy the upload to a temporary file, hashing it and enforcing the size limit."""
    limit = settings.CUSTODIAN_MAX_UPLOAD_MB * 1024 * 1024
    # Returned open to the caller, who closes it with a with-block.
    spool = tempfile.SpooledTemporaryFile(max_size=blobs.SPOOL_BYTES)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    while chunk := upload.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise UploadTooLarge(
                f"The file is larger than the {settings.CUSTODIAN_MAX_UPLOAD_MB} MB limit.",
                field="file",
            )
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise InvalidField("The file is empty.", field="file")
    spool.seek(0)
    return spool, digest.hexdigest(), size


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    source.seek(0)
    while chunk := source.read(READ_CHUNK):
        yield chunk


def _captured_at(
    details: CaptureDetails, facts: ImageFacts, patient: Patient
) -> datetime:
    if details.captured_at is not None:
        return details.captured_at
    stamp = facts.exif_captured_at
    if stamp is not None:
        if timezone.is_naive(stamp):
            # A camera's clock is local: read it in the facility's own zone.
            stamp = stamp.replace(tzinfo=ZoneInfo(patient.facility.time_zone))
        if stamp <= timezone.now():
            return stamp
    return timezone.now()


def _replay(
    actor: User, key: str, patient: Patient, sha256: str
) -> ClinicalImage | None:
    """The image an earlier upload with this key made, if the key is being replayed."""
    if not key:
        return None
    existing = ClinicalImage.objects.filter(
        uploaded_by=actor, idempotency_key=key
    ).first()
    if existing is None:
        return None
    # A retry resends the same photo for the same patient; anything else is a client bug
    # that must not be answered with some other image's receipt.
    if existing.patient_id != patient.pk:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for another patient.",
            field="idempotency_key",
        )
    if existing.sha256 != sha256:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different file.",
            field="idempotency_key",
        )
    return existing


def _refuse_duplicate(patient: Patient, sha256: str) -> None:
    duplicate = (
        ClinicalImage.objects.active().filter(patient=patient, sha256=sha256).first()
    )
    if duplicate is not None:
        raise DuplicateImage(
            "This photo is already in the patient's record "
            f"(record {duplicate.public_id}).",
            existing_public_id=str(duplicate.public_id),
        )


def capture_image(
    *,
    actor: User | AnonymousUser,
    patient: Patient,
    upload: IO[bytes],
    details: CaptureDetails,
    channel: str,
    request: HttpRequest | None = None,
) -> CaptureResult:
    """Validate, hash, encrypt and store an image into the patient's record, audited."""
    # A facility's migration is a records-management act; everything else is capture.
    may = may_import_images if channel == ClinicalImage.Channel.IMPORT else may_capture
    if not may(actor) or not can_view_patient(actor, patient):
        raise PatientNotFound("No such patient.")
    if not isinstance(actor, User):  # narrowed: anonymous users have no perms
        raise PatientNotFound("No such patient.")
    check_binding(details.handoff, actor=actor, patient=patient)
    validate_details(details, patient, channel)
    key = details.idempotency_key
    spool, sha256, size = _spool(upload)
    with spool:
        # The replay check comes after hashing so a key reused for other bytes is caught.
        if (replayed := _replay(actor, key, patient, sha256)) is not None:
            return CaptureResult(image=replayed, created=False)
        facts = inspect_image(spool)
        try:
            _refuse_duplicate(patient, sha256)
            image = _store(
                actor, patient, spool, sha256, size, facts, details, channel, request
            )
        except (IntegrityError, DuplicateImage):
            # A concurrent retry with the same Idempotency-Key won the race (its row is
            # the duplicate, or its key collides): answer with its receipt instead.
            replayed = _replay(actor, key, patient, sha256)
            if replayed is None:
                raise
            return CaptureResult(image=replayed, created=False)
    return CaptureResult(image=image, created=True)


def _handoff_detail(details: CaptureDetails) -> dict[str, str]:
    if details.handoff is None:
        return {}
    return {"handoff": str(details.handoff.public_id)}


def _store(
    actor: User,
    patient: Patient,
    spool: IO[bytes],
    sha256: str,
    size: int,
    facts: ImageFacts,
    details: CaptureDetails,
    channel: str,
    request: HttpRequest | None,
) -> ClinicalImage:
    image = ClinicalImage(
        patient=patient,
        encounter=details.encounter,
        sha256=sha256,
        size_bytes=size,
        content_type=facts.content_type,
        width=facts.width,
        height=facts.height,
        original_filename=details.original_filename[:255],
        captured_at=_captured_at(details, facts, patient),
        captured_by=details.captured_by
        or (None if details.captured_by_name else actor),
        captured_by_name=details.captured_by_name,
        capture_mode=details.capture_mode,
        device=details.device or facts.exif_device,
        uploaded_by=actor,
        upload_channel=channel,
        idempotency_key=details.idempotency_key,
        handoff=details.handoff,
        body_site=details.body_site
        or bodysites.describe(details.body_site_code, details.laterality),
        body_site_code=details.body_site_code,
        sensitivity=_sensitivity(details),
        laterality=details.laterality,
        view=details.view,
        note=details.note,
        consent_kind=details.consent_kind,
        consent_for_care="care" in details.consent_purposes,
        consent_for_teaching="teaching" in details.consent_purposes,
        consent_for_publication="publication" in details.consent_purposes,
        consent_recorded_by=actor,
    )
    stored_name = ""
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with transaction.atomic():
            # Registered first, so it runs first at the commit: a later callback that
            # fails (tasks run inline) must not discard a committed image's original.
            transaction.on_commit(mark_committed)
            # The key first: kept apart, it commits at once, ahead of the image.
            key = blobs.create_data_key(image.public_id)
            stored_name = blobs.save_encrypted(
                blobs.original_name(image.public_id, sha256), _chunks(spool), key
            )
            image.storage_name = stored_name
            image.uploaded_at = timezone.now()
            image.save()
            record_event(
                actor=actor,
                action=Action.UPLOAD,
                target=image,
                patient=patient,
                request=request,
                detail={
                    "sha256": sha256,
                    "size": size,
                    "channel": channel,
                    "content_type": facts.content_type,
                    **_handoff_detail(details),
                    **details.extra,
                },
            )
            # Enqueue only once the row is committed, or a worker may not see it.
            # A failure then is left to the periodic sweep: the image is stored.
            enqueue("imaging.tasks.make_derivatives", image.pk, swept=True)
            # Hard copies, retention dates and the like follow from the apps that own them.
            for announce in hooks.image_captured:
                announce(image)
    except BaseException:
        if not committed:
            blobs.discard(stored_name)
            blobs.discard_data_key(image.public_id)
        raise
    return image
