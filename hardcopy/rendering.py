"""Rendering a hard copy's PDF files: the Celery task's work, safe to run twice.

The copy is claimed with a conditional UPDATE (queued -> rendering), so a duplicate task
finds nothing to do. Pages are written to a temporary file and encrypted into storage one
file of at most CUSTODIAN_HARD_COPY_PAGES_PER_FILE pages at a time, so memory is bounded
by one file however many images the patient has; progress is saved after every image.
"""

import hashlib
import logging
import math
import tempfile
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import Action, record_event
from hardcopy import pdf
from hardcopy.models import HardCopy, HardCopyFile, HardCopyItem
from hardcopy.pictures import Picture, prepare
from imaging import bodysites
from imaging.models import ClinicalImage
from vault import blobs

logger = logging.getLogger(__name__)
Status = HardCopy.Status
READ_CHUNK = 1024 * 1024
AUTOMATIC_PRINTER = "Custodian (automatic copy for the paper record)"


def local_time(moment: datetime, zone: str) -> str:
    """dd/mm/yyyy HH:MM and the zone's abbreviation, in the facility's own time zone."""
    return timezone.localtime(moment, ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M %Z")


def page_header(copy: HardCopy, printed_on: datetime) -> pdf.PageHeader:
    patient = copy.patient
    facility = patient.facility
    requester = copy.requested_by
    return pdf.PageHeader(
        patient_name=patient.full_name,
        mrn=patient.mrn,
        date_of_birth=(
            patient.date_of_birth.strftime("%d/%m/%Y")
            if patient.date_of_birth
            else "unknown"
        ),
        facility=facility.name,
        ward=copy.ward.name if copy.ward else "no ward",
        printed_by=(
            (requester.get_full_name() or requester.get_username())
            if requester
            else AUTOMATIC_PRINTER
        ),
        printed_on=local_time(printed_on, facility.time_zone),
    )


def _person(user: object | None, fallback: str = "") -> str:
    if user is None:
        return fallback
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or user)


def site_lines(image: ClinicalImage) -> list[str]:
    """The coded site (term and SNOMED CT code), laterality and view; free text as a note."""
    term = bodysites.term(image.body_site_code)
    side = image.get_laterality_display() or "not recorded"
    details = f"Laterality: {side}; view: {image.view or 'not recorded'}"
    if not term:
        # Older images have only the words: they are the site, so they come first.
        return [f"Body site (not coded): {image.body_site or 'not recorded'}", details]
    note = f"; note: {image.body_site}" if image.body_site else ""
    return [f"Body site: {term} (SNOMED CT {image.body_site_code})", details + note]


def image_lines(image: ClinicalImage, zone: str) -> list[str]:
    """The words printed beside an image: identity, provenance, clinical, consent."""
    purposes = ", ".join(image.consent_purposes) or "none recorded"
    return [
        f"Record {image.public_id}   SHA-256 {image.sha256[:16]}",
        f"Captured by {image.photographer} on {local_time(image.captured_at, zone)}",
        f"Mode: {image.get_capture_mode_display()}; device: {image.device or 'not recorded'}",
        f"Uploaded by {_person(image.uploaded_by)} on "
        f"{local_time(image.uploaded_at, zone)} ({image.get_upload_channel_display()})",
        *site_lines(image),
        f"Consent: {image.get_consent_kind_display()} (purposes: {purposes})",
    ]


def image_sheet(image: ClinicalImage, zone: str, key: bytes) -> pdf.ImageSheet:
    def picture(box: tuple[float, float]) -> Picture:
        original = b"".join(blobs.read_decrypted(image.storage_name, key))
        return prepare(original, box)

    return pdf.ImageSheet(
        record_id=str(image.public_id),
        sha16=image.sha256[:16],
        qr_payload=f"CUSTODIAN:IMAGE:{image.public_id}",
        lines=image_lines(image, zone),
        picture=picture,
    )


def _items(copy: HardCopy) -> list[HardCopyItem]:
    return list(
        copy.items.filter(image__status=ClinicalImage.Status.ACTIVE)
        .select_related("image__captured_by", "image__uploaded_by")
        .order_by("position")
    )


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    source.seek(0)
    while chunk := source.read(READ_CHUNK):
        yield chunk


def _sha256(source: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(source):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_name(copy: HardCopy, number: int) -> str:
    return (
        f"hardcopies/{str(copy.public_id)[:2]}/{copy.public_id}/part-{number:03d}.enc"
    )


def _key(copy: HardCopy) -> bytes | None:
    """A multi-image copy's own key; None means each file uses its image's key."""
    return blobs.data_key(copy.public_id) if copy.has_own_key else None


def _render_files(copy: HardCopy, items: list[HardCopyItem]) -> list[HardCopyFile]:
    zone = copy.patient.facility.time_zone
    header = page_header(copy, timezone.now())
    per_page = pdf.PER_PAGE[copy.layout]
    total_pages = math.ceil(len(items) / per_page)
    per_file = settings.CUSTODIAN_HARD_COPY_PAGES_PER_FILE * per_page
    copy_key = _key(copy)
    files: list[HardCopyFile] = []
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        HardCopy.objects.filter(pk=copy.pk).update(images_done=done)

    for start in range(0, len(items), per_file):
        chunk = items[start : start + per_file]
        sheets = [
            image_sheet(item.image, zone, blobs.data_key(item.image.public_id))
            for item in chunk
        ]
        first_page = start // per_page + 1
        with tempfile.TemporaryDirectory(prefix="hardcopy-") as folder:
            path = Path(folder) / "copy.pdf"
            pages = pdf.render_file(
                str(path),
                header=header,
                sheets=sheets,
                layout=copy.layout,
                first_page=first_page,
                total_pages=total_pages,
                title=f"Hard copy {copy.public_id}",
                on_image=advance,
            )
            with path.open("rb") as handle:
                sha256, size = _sha256(handle)
                key = copy_key or blobs.data_key(chunk[0].image.public_id)
                name = file_name(copy, len(files) + 1)
                stored = blobs.save_encrypted(name, _chunks(handle), key)
        files.append(
            HardCopyFile(
                hard_copy=copy,
                number=len(files) + 1,
                storage_name=stored,
                sha256=sha256,
                size_bytes=size,
                first_page=first_page,
                last_page=first_page + pages - 1,
            )
        )
    return files


def render_hard_copy(*, hard_copy_id: int) -> HardCopy | None:
    """Render a queued hard copy into its encrypted PDF files; None if not queued.

    A failure is recorded on the copy (status failed, with the reason shown in the
    queue) rather than raised, so the request that queued it never sees an error.
    """
    claimed = HardCopy.objects.filter(pk=hard_copy_id, status=Status.QUEUED).update(
        status=Status.RENDERING, claimed_at=timezone.now(), images_done=0
    )
    if not claimed:
        return None
    copy = HardCopy.objects.select_related(
        "patient__facility", "ward", "requested_by"
    ).get(pk=hard_copy_id)
    items = _items(copy)
    files: list[HardCopyFile] = []
    try:
        if not items:
            raise ValueError("None of its images is still in the record.")
        files = _render_files(copy, items)
        return _finish(copy, files, items)
    except Exception as exc:
        for made in files:
            blobs.discard(made.storage_name)
        logger.exception("Hard copy %s failed to render", copy.public_id)
        HardCopy.objects.filter(pk=copy.pk, status=Status.RENDERING).update(
            status=Status.FAILED, error=str(exc)[:500]
        )
        return None


@transaction.atomic
def _finish(
    copy: HardCopy, files: list[HardCopyFile], items: list[HardCopyItem]
) -> HardCopy:
    pages = sum(f.last_page - f.first_page + 1 for f in files)
    finished = HardCopy.objects.filter(pk=copy.pk, status=Status.RENDERING).update(
        status=Status.READY,
        rendered_at=timezone.now(),
        page_count=pages,
        images_total=len(items),
        images_done=len(items),
        error="",
    )
    if not finished:
        # Withdrawn (its image disposed) while rendering: keep nothing.
        for made in files:
            transaction.on_commit(partial(blobs.discard, made.storage_name))
        copy.refresh_from_db()
        return copy
    HardCopyFile.objects.bulk_create(files)
    record_event(
        actor=None,
        action=Action.HARD_COPY_RENDERED,
        target=copy,
        patient=copy.patient,
        detail={
            "pages": pages,
            "files": [f.sha256 for f in files],
            "images": [str(item.image.public_id) for item in items],
        },
    )
    copy.refresh_from_db()
    return copy
