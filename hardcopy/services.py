"""Every change to hard copies: request, automatic queueing, printing, filing.

Rendering (a Celery task's work) lives in imaging/hardcopy/rendering.py; what disposal
needs lives in imaging/hardcopy/retention.py.
"""

from collections.abc import Iterator, Sequence

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from common.queue import enqueue
from hardcopy.exceptions import (
    HardCopyNotAllowed,
    HardCopyNotFound,
    HardCopyNotReady,
)
from hardcopy.models import HardCopy, HardCopyFile, HardCopyItem
from hardcopy.selectors import may_print
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from records.models import Encounter, Patient, Ward
from records.selectors import patients_visible_to
from vault import blobs

AnyUser = User | AnonymousUser
Status = HardCopy.Status


def ward_of(image: ClinicalImage) -> Ward | None:
    """The print queue an image's copy goes to: its encounter's ward, else the patient's
    open encounter's ward, else their latest one's."""
    if image.encounter is not None:
        return image.encounter.ward
    encounters = Encounter.objects.filter(patient_id=image.patient_id).select_related(
        "ward"
    )
    current = encounters.filter(ended_at__isnull=True).order_by("-started_at").first()
    chosen = current or encounters.order_by("-started_at").first()
    return chosen.ward if chosen is not None else None


def _check_layout(layout: str) -> None:
    if layout not in HardCopy.Layout.values:
        choices = ", ".join(HardCopy.Layout.values)
        raise InvalidField(
            f"Unknown layout {layout!r}; choose one of {choices}.", field="layout"
        )


def _visible_images(actor: AnyUser, public_ids: Sequence[str]) -> list[ClinicalImage]:
    """The named images in the order given; HardCopyNotFound if any is not visible."""
    try:
        found = {
            str(image.public_id): image
            for image in images_visible_to(actor)
            .select_related("patient__facility", "encounter__ward")
            .filter(public_id__in=list(public_ids))
        }
    except ValueError as exc:
        raise HardCopyNotFound("No such image.") from exc
    if not public_ids or len(found) != len(set(public_ids)):
        raise HardCopyNotFound("No such image.")
    return [found[str(pid)] for pid in dict.fromkeys(str(p) for p in public_ids)]


@transaction.atomic
def request_hard_copy(
    *,
    actor: AnyUser,
    image_ids: Sequence[str],
    layout: str = HardCopy.Layout.SINGLE,
    patient: Patient | None = None,
    request: HttpRequest | None = None,
) -> HardCopy:
    """Queue a printable copy of one image or a selection of one patient's images."""
    # Visibility first: an image the user may not see is a 404 whatever their role.
    images = _visible_images(actor, image_ids)
    if not may_print(actor) or not isinstance(actor, User):
        raise HardCopyNotAllowed("Your role does not print hard copies.")
    if patient is not None and any(i.patient_id != patient.pk for i in images):
        raise HardCopyNotFound("No such image.")
    _check_layout(layout)
    if len({image.patient_id for image in images}) != 1:
        raise InvalidField("A hard copy holds one patient's images.", field="images")
    if len(images) > settings.CUSTODIAN_HARD_COPY_MAX_IMAGES:
        raise InvalidField(
            f"A hard copy holds at most {settings.CUSTODIAN_HARD_COPY_MAX_IMAGES} images.",
            field="images",
        )
    copy = _create(images, origin=HardCopy.Origin.REQUESTED, layout=layout, by=actor)
    _audit_request(copy, images, actor=actor, request=request)
    return copy


@transaction.atomic
def request_patient_hard_copy(
    *,
    actor: AnyUser,
    patient: Patient,
    layout: str = HardCopy.Layout.SINGLE,
    request: HttpRequest | None = None,
) -> HardCopy:
    """Queue a printable copy of every image of the patient's the user may see.

    A contact sheet of the whole set leaves sensitive images out: they are printed only
    when chosen explicitly (request_hard_copy with their ids).
    """
    if not patients_visible_to(actor).filter(pk=patient.pk).exists():
        raise HardCopyNotFound("No such patient.")
    if not may_print(actor):
        raise HardCopyNotAllowed("Your role does not print hard copies.")
    chosen = images_visible_to(actor).filter(patient=patient)
    if layout == HardCopy.Layout.CONTACT_SHEET:
        chosen = chosen.filter(sensitivity="")
    ids = [
        str(pid)
        for pid in chosen.order_by("captured_at", "id").values_list(
            "public_id", flat=True
        )
    ]
    if not ids:
        # The patient is one the user may see: "no such image" would be untrue.
        raise InvalidField("This patient has no images to print.", field="images")
    return request_hard_copy(actor=actor, image_ids=ids, layout=layout, request=request)


def queue_paper_copy(*, image_id: int) -> HardCopy | None:
    """Queue the one automatic hard copy of a new image of a paper-record facility."""
    image = (
        ClinicalImage.objects.active()
        .select_related("patient__facility", "encounter__ward")
        .filter(pk=image_id, patient__facility__electronic_record=False)
        .first()
    )
    if image is None:
        return None
    existing = HardCopy.objects.filter(automatic_for=image).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            copy = _create([image], origin=HardCopy.Origin.AUTOMATIC, layout="single")
            _audit_request(copy, [image], actor=None, request=None)
    except IntegrityError:
        # A second run of the task raced this one: the unique automatic_for kept one.
        return HardCopy.objects.get(automatic_for=image)
    return copy


def queue_replacement_copy(
    image: ClinicalImage, *, actor: User, request: HttpRequest | None = None
) -> HardCopy:
    """A copy of an image for its (new) patient's paper record, after a move."""
    copy = _create([image], origin=HardCopy.Origin.REQUESTED, layout="single", by=actor)
    _audit_request(copy, [image], actor=actor, request=request)
    return copy


def _create(
    images: list[ClinicalImage], *, origin: str, layout: str, by: User | None = None
) -> HardCopy:
    first = images[0]
    copy = HardCopy.objects.create(
        patient=first.patient,
        ward=ward_of(first),
        automatic_for=first if origin == HardCopy.Origin.AUTOMATIC else None,
        origin=origin,
        layout=layout,
        requested_by=by,
        images_total=len(images),
        has_own_key=len(images) > 1,
    )
    HardCopyItem.objects.bulk_create(
        HardCopyItem(hard_copy=copy, image=image, position=n)
        for n, image in enumerate(images, start=1)
    )
    if copy.has_own_key:
        # Several images cannot share one image's key: the copy gets its own, so that
        # disposing any one of them can still shred this copy (retention.py).
        blobs.create_data_key(copy.public_id)
    # Enqueue only once the rows are committed, or a worker may not see them.
    enqueue("hardcopy.tasks.render_hard_copy", copy.pk)
    return copy


def _audit_request(
    copy: HardCopy,
    images: list[ClinicalImage],
    *,
    actor: User | None,
    request: HttpRequest | None,
) -> None:
    record_event(
        actor=actor,
        action=Action.PRINT_REQUESTED,
        target=copy,
        patient=copy.patient,
        request=request,
        detail={
            "origin": copy.origin,
            "layout": copy.layout,
            "images": [str(image.public_id) for image in images],
            "ward": copy.ward.code if copy.ward else "",
        },
    )


def _file_of(copy: HardCopy, number: int) -> HardCopyFile:
    if copy.status not in (Status.READY, Status.PRINTED, Status.FILED):
        raise HardCopyNotReady(
            f"This hard copy is {copy.get_status_display().lower()}, not ready to print."
        )
    found = copy.files.filter(number=number, destroyed_at__isnull=True).first()
    if found is None:
        raise HardCopyNotFound(f"This hard copy has no file {number}.")
    return found


def file_key(copy: HardCopy) -> bytes:
    """The key a copy's PDF files are encrypted with: its own, or its one image's."""
    if copy.has_own_key:
        return blobs.data_key(copy.public_id)
    item = copy.items.select_related("image").get()
    return blobs.data_key(item.image.public_id)


@transaction.atomic
def print_hard_copy(
    *,
    actor: User,
    hard_copy: HardCopy,
    number: int = 1,
    request: HttpRequest | None = None,
) -> tuple[HardCopyFile, Iterator[bytes]]:
    """Open a hard copy's PDF to print it: a disclosure, audited; marks it printed."""
    copy = HardCopy.objects.select_for_update().get(pk=hard_copy.pk)
    pdf_file = _file_of(copy, number)
    now = timezone.now()
    copy.print_count += 1
    copy.printed_by = copy.printed_by or actor
    copy.printed_at = copy.printed_at or now
    if copy.status == Status.READY:
        copy.status = Status.PRINTED
    copy.save(update_fields=["print_count", "printed_by", "printed_at", "status"])
    _audit_open(Action.PRINT, actor, copy, pdf_file, request)
    hard_copy.refresh_from_db()
    return pdf_file, blobs.read_decrypted(pdf_file.storage_name, file_key(copy))


@transaction.atomic
def download_hard_copy(
    *,
    actor: User,
    hard_copy: HardCopy,
    number: int = 1,
    request: HttpRequest | None = None,
) -> tuple[HardCopyFile, Iterator[bytes]]:
    """Download a hard copy's PDF (API): a disclosure, audited; status unchanged."""
    pdf_file = _file_of(hard_copy, number)
    _audit_open(Action.HARD_COPY_DOWNLOADED, actor, hard_copy, pdf_file, request)
    return pdf_file, blobs.read_decrypted(pdf_file.storage_name, file_key(hard_copy))


def _audit_open(
    action: str,
    actor: User,
    copy: HardCopy,
    pdf_file: HardCopyFile,
    request: HttpRequest | None,
) -> None:
    record_event(
        actor=actor,
        action=action,
        target=copy,
        patient=copy.patient,
        request=request,
        detail={
            "file": pdf_file.number,
            "pages": f"{pdf_file.first_page}-{pdf_file.last_page}",
            "sha256": pdf_file.sha256,
        },
    )


@transaction.atomic
def confirm_hard_copy_filed(
    *, actor: User, hard_copy: HardCopy, request: HttpRequest | None = None
) -> HardCopy:
    """Record that the user filed the printed copy in the patient's paper record."""
    copy = HardCopy.objects.select_for_update().get(pk=hard_copy.pk)
    if copy.status == Status.FILED:
        raise HardCopyNotReady("This hard copy is already filed.")
    if copy.status != Status.PRINTED:
        raise HardCopyNotReady("Print the hard copy before confirming it is filed.")
    copy.status = Status.FILED
    copy.filed_by = actor
    copy.filed_at = timezone.now()
    copy.save(update_fields=["status", "filed_by", "filed_at"])
    record_event(
        actor=actor,
        action=Action.FILED,
        target=copy,
        patient=copy.patient,
        request=request,
        detail={"ward": copy.ward.code if copy.ward else ""},
    )
    return copy


@transaction.atomic
def confirm_hard_copy_retrieved(
    *, actor: User, hard_copy: HardCopy, request: HttpRequest | None = None
) -> HardCopy:
    """Record that the user took a copy asked back out of the paper record."""
    copy = HardCopy.objects.select_for_update().get(pk=hard_copy.pk)
    if copy.retrieval_requested_at is None:
        raise HardCopyNotReady("This hard copy is not one to take out of the record.")
    if copy.retrieved_at is not None:
        raise HardCopyNotReady("This hard copy was already taken out of the record.")
    copy.retrieved_by = actor
    copy.retrieved_at = timezone.now()
    copy.save(update_fields=["retrieved_by", "retrieved_at"])
    record_event(
        actor=actor,
        action=Action.HARD_COPY_RETRIEVED,
        target=copy,
        patient=copy.patient,
        request=request,
        detail={"ward": copy.ward.code if copy.ward else ""},
    )
    return copy
