"""What the bundle says about each image: metadata rows and the list of documents."""

from typing import Any
from zoneinfo import ZoneInfo

from imaging import bodysites
from imaging.models import ClinicalImage
from imaging.validation import EXTENSIONS
from legal.disposals import disposal_entry
from legal.holds import is_under_hold

# The Federal Court list of documents: document ID, title, type, date, author, host.
LIST_FIELDS = ("document_id", "title", "type", "date", "author", "host_document")
METADATA_FIELDS = (
    *LIST_FIELDS,
    "image_id",
    "patient_mrn",
    "patient_name",
    "patient_date_of_birth",
    "facility",
    "status",
    "disposal",
    "captured_at",
    "captured_by",
    "capture_mode",
    "device",
    "uploaded_by",
    "uploaded_at",
    "upload_channel",
    "original_filename",
    "body_site_code",
    "body_site_term",
    "body_site",
    "laterality",
    "laterality_code",
    "view",
    "consent_kind",
    "consent_purposes",
    "consent_recorded_by",
    "sha256_at_upload",
    "size_bytes",
    "content_type",
    "retain_until",
    "retention_basis",
    "under_legal_hold",
    "original_path",
    "rendered_path",
)


def original_path(document_id: str, image: ClinicalImage) -> str:
    return f"data/originals/{document_id}{EXTENSIONS[image.content_type]}"


def rendered_path(document_id: str) -> str:
    return f"data/rendered/{document_id}.pdf"


def title_of(image: ClinicalImage) -> str:
    coded = bodysites.describe(image.body_site_code, image.laterality)
    if coded:
        return f"Clinical photograph: {coded}"
    site = image.body_site or "site not recorded"
    side = f" ({image.get_laterality_display().lower()})" if image.laterality else ""
    return f"Clinical photograph: {site}{side}"


def describe(document_id: str, image: ClinicalImage) -> dict[str, Any]:
    """One document's metadata row (values as text, ISO 8601 dates)."""
    patient = image.patient
    zone = ZoneInfo(patient.facility.time_zone)
    disposed = image.status == ClinicalImage.Status.DISPOSED
    return {
        "document_id": document_id,
        "title": title_of(image),
        "type": "Clinical photograph",
        "date": image.captured_at.astimezone(zone).date().isoformat(),
        "author": image.photographer,
        "host_document": "",
        "image_id": str(image.public_id),
        "patient_mrn": patient.mrn,
        "patient_name": patient.full_name,
        "patient_date_of_birth": (
            patient.date_of_birth.isoformat() if patient.date_of_birth else ""
        ),
        "facility": patient.facility.name,
        "status": image.status,
        "disposal": disposal_entry(image) if disposed else "",
        "captured_at": image.captured_at.isoformat(),
        "captured_by": image.photographer,
        "capture_mode": image.get_capture_mode_display(),
        "device": image.device,
        "uploaded_by": image.uploaded_by.get_username(),
        "uploaded_at": image.uploaded_at.isoformat(),
        "upload_channel": image.upload_channel,
        "original_filename": image.original_filename,
        "body_site_code": image.body_site_code,
        "body_site_term": bodysites.term(image.body_site_code),
        # The free-text words, kept beside the code as a note.
        "body_site": image.body_site,
        "laterality": image.laterality,
        "laterality_code": bodysites.LATERALITY_CODES.get(image.laterality, ""),
        "view": image.view,
        "consent_kind": image.get_consent_kind_display(),
        "consent_purposes": ",".join(image.consent_purposes),
        "consent_recorded_by": image.consent_recorded_by.get_username(),
        "sha256_at_upload": image.sha256,
        "size_bytes": str(image.size_bytes),
        "content_type": image.content_type,
        "retain_until": image.retain_until.isoformat() if image.retain_until else "",
        "retention_basis": image.retention_basis,
        "under_legal_hold": "yes" if is_under_hold(image) else "no",
        "original_path": "" if disposed else original_path(document_id, image),
        "rendered_path": "" if disposed else rendered_path(document_id),
    }
