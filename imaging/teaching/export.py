"""De-identified exports of a patient's images for teaching or publication.

Only the preview derivatives leave: JPEGs re-encoded from scratch, so no EXIF, GPS or
comment survives (services/derivatives.py), never the original. File names, the manifest
and the README carry an opaque reference per image, the coded body site, laterality,
view, the capture month and the consent, and nothing that names the patient, their MRN,
date of birth or facility. Free text (site note, clinical note) is left out: people write
names and bed numbers in it. The capture date is cut to the month: an exact date is a
quasi-identifier, while a teaching set rarely needs more than the order of the pictures,
which the references keep. Pixels can still identify (a face, a tattoo, a wristband):
the page asks the clinician to check them.

Built in memory in the request: previews are small and the set is capped
(CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES), so there is no bundle to store, expire or shred.
"""

import hashlib
import io
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_export_for_teaching
from audit.models import AuditEvent
from audit.services import Action, record_event
from common.csvsafe import SafeDictWriter
from imaging.bodysites import BY_CODE, LATERALITY_CODES
from imaging.exceptions import ImagingError, InvalidField, PatientNotFound
from imaging.models import ClinicalImage, Derivative
from imaging.selectors import images_visible_to
from imaging.services.access import derivative_bytes
from records.models import Patient
from records.selectors import can_view_patient, seen_through_break_glass

PURPOSES = {"teaching": "Teaching", "publication": "Publication"}
CONSENT_FIELD = {
    "teaching": "consent_for_teaching",
    "publication": "consent_for_publication",
}
MANIFEST_FIELDS = (
    "reference",
    "file",
    "body_site_code",
    "body_site_term",
    "laterality",
    "laterality_code",
    "view",
    "captured_month",
    "purpose",
    "consent_kind",
    "consent_for_purpose",
)
# A fixed time in every ZIP entry: the export's own clock says nothing the audit does not.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class RefusedImages(ImagingError):
    """A refusal naming the chosen images that caused it (refused_images in the API)."""

    def __init__(
        self, message: str, *, field: str, images: Sequence[ClinicalImage]
    ) -> None:
        super().__init__(message, field=field)
        self.images = list(images)

    def extra(self) -> dict[str, Any]:
        return {"refused_images": [str(image.public_id) for image in self.images]}


class ConsentMissing(RefusedImages):
    """Some chosen images lack current consent for the purpose: the whole export stops."""

    status_code = 409

    def __init__(self, message: str, *, images: Sequence[ClinicalImage]) -> None:
        super().__init__(message, field="images", images=images)


class SensitiveNotConfirmed(RefusedImages):
    """Sensitive images were chosen without saying so explicitly."""

    status_code = 400

    def __init__(self, message: str, *, images: Sequence[ClinicalImage]) -> None:
        super().__init__(message, field="include_sensitive", images=images)


class PreviewMissing(ImagingError):
    status_code = 409


@dataclass(frozen=True)
class TeachingExport:
    reference: str
    purpose: str
    filename: str
    data: bytes
    sha256: str


def label(image: ClinicalImage, zone: ZoneInfo) -> str:
    """How the page names an image to the clinician (never leaves the hospital)."""
    site = image.body_site or (
        BY_CODE[image.body_site_code].name
        if image.body_site_code in BY_CODE
        else "site not recorded"
    )
    taken = image.captured_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    return f"{taken} {site} ({str(image.public_id)[:8]})"


def withdrawn_on(images: Sequence[ClinicalImage], purpose: str) -> dict[str, str]:
    """For each image whose consent for the purpose was withdrawn: when (dd/mm/yyyy)."""
    events = AuditEvent.objects.filter(
        action=Action.CONSENT_WITHDRAWN,
        object_type=ClinicalImage._meta.label_lower,
        object_id__in=[str(image.public_id) for image in images],
    ).order_by("sequence")
    return {
        event.object_id: event.occurred_at.strftime("%d/%m/%Y")
        for event in events
        if purpose in event.detail.get("purposes", [])
    }


def _chosen(
    actor: User, patient: Patient, image_ids: Sequence[str]
) -> list[ClinicalImage]:
    limit = settings.CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES
    if not image_ids:
        raise InvalidField("Choose the images to export.", field="images")
    try:
        wanted = {UUID(str(value)) for value in image_ids}
    except ValueError as exc:
        raise PatientNotFound("No such image.") from exc
    if len(wanted) > limit:
        raise InvalidField(
            f"An export holds at most {limit} images: choose fewer.", field="images"
        )
    images = list(
        images_visible_to(actor)
        .filter(patient=patient, public_id__in=wanted)
        .order_by("captured_at", "id")
    )
    if len(images) != len(wanted):
        raise PatientNotFound("No such image.")
    return images


def check_consent(
    images: Sequence[ClinicalImage], purpose: str, zone: ZoneInfo
) -> None:
    """Refuse, naming them, if any image lacks current consent for the purpose."""
    lacking = [i for i in images if not getattr(i, CONSENT_FIELD[purpose])]
    if not lacking:
        return
    withdrawn = withdrawn_on(lacking, purpose)
    reasons = [
        f"{label(i, zone)}: consent withdrawn on {withdrawn[str(i.public_id)]}"
        if str(i.public_id) in withdrawn
        else f"{label(i, zone)}: consent for {purpose} never given"
        for i in lacking
    ]
    raise ConsentMissing(
        f"Nothing was exported: {len(lacking)} of the chosen images may not be used "
        f"for {purpose}. Deselect them: " + "; ".join(reasons) + ".",
        images=lacking,
    )


def check_sensitive(
    images: Sequence[ClinicalImage], include_sensitive: bool, zone: ZoneInfo
) -> None:
    """Sensitive images leave only when the clinician says explicitly they mean it."""
    sensitive = [i for i in images if i.is_sensitive]
    if sensitive and not include_sensitive:
        names = "; ".join(label(i, zone) for i in sensitive)
        raise SensitiveNotConfirmed(
            f"Nothing was exported: {len(sensitive)} chosen image(s) are sensitive "
            f"({names}). Confirm that you mean to include them, or deselect them.",
            images=sensitive,
        )


def _previews(images: Sequence[ClinicalImage], zone: ZoneInfo) -> list[bytes]:
    found = {
        d.image_id: d
        for d in Derivative.objects.filter(
            image__in=images, kind=Derivative.Kind.PREVIEW
        ).select_related("image")
    }
    missing = [label(i, zone) for i in images if i.pk not in found]
    if missing:
        raise PreviewMissing(
            "Nothing was exported: the preview of these images is still being made; "
            "try again in a minute: " + "; ".join(missing) + "."
        )
    return [derivative_bytes(found[image.pk]) for image in images]


def manifest_row(
    reference: str, image: ClinicalImage, purpose: str, zone: ZoneInfo
) -> dict[str, str]:
    """What the set says about one image: coded, and nothing that names the patient."""
    site = BY_CODE.get(image.body_site_code)
    return {
        "reference": reference,
        "file": f"images/{reference}.jpg",
        "body_site_code": site.code if site else "",
        "body_site_term": site.name if site else "",
        "laterality": image.laterality,
        "laterality_code": LATERALITY_CODES.get(image.laterality, ""),
        "view": image.view,
        "captured_month": image.captured_at.astimezone(zone).strftime("%Y-%m"),
        "purpose": purpose,
        "consent_kind": image.consent_kind,
        "consent_for_purpose": "given",
    }


def _readme(reference: str, purpose: str, count: int, exported_on: str) -> str:
    return (
        f"De-identified clinical images for {purpose}\n"
        f"Export {reference}, {count} image(s), made {exported_on}.\n\n"
        f"Each image had the patient's current consent for {purpose} when this set\n"
        "was made. Consent can be withdrawn later: before each new use, check with the\n"
        "hospital, quoting the export and image references.\n\n"
        "The pictures are re-encoded copies without any metadata; the manifest gives\n"
        "the SNOMED CT body site, laterality, view and the month of capture only.\n"
        "Do not try to identify the patient, and do not add identifying details.\n"
    )


def _zip(
    reference: str,
    purpose: str,
    images: Sequence[ClinicalImage],
    previews: Sequence[bytes],
    zone: ZoneInfo,
) -> bytes:
    manifest = io.StringIO()
    writer = SafeDictWriter(manifest, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for n, (image, jpeg) in enumerate(zip(images, previews, strict=True), 1):
            row = manifest_row(f"{reference}-{n:03d}", image, purpose, zone)
            writer.writerow(row)
            bundle.writestr(zipfile.ZipInfo(row["file"], ZIP_TIME), jpeg)
        exported_on = timezone.now().astimezone(zone).strftime("%m/%Y")
        readme = _readme(reference, purpose, len(images), exported_on)
        bundle.writestr(zipfile.ZipInfo("README.txt", ZIP_TIME), readme)
        bundle.writestr(zipfile.ZipInfo("manifest.csv", ZIP_TIME), manifest.getvalue())
    return out.getvalue()


@transaction.atomic
def export_for_teaching(
    *,
    actor: User,
    patient: Patient,
    image_ids: Sequence[str],
    purpose: str,
    include_sensitive: bool = False,
    request: HttpRequest | None = None,
) -> TeachingExport:
    """Build a de-identified set of the chosen images for teaching or publication."""
    # Visibility first: a patient the user may not see is a 404 whatever their role.
    if not can_view_patient(actor, patient):
        raise PatientNotFound("No such patient.")
    if not may_export_for_teaching(actor):
        raise PermissionDenied("Your role does not export images for teaching.")
    if seen_through_break_glass(actor, patient):
        raise PermissionDenied(
            "Break-the-glass access is for this patient's care, not for teaching or "
            "publication."
        )
    if purpose not in PURPOSES:
        raise InvalidField("Choose teaching or publication.", field="purpose")
    zone = ZoneInfo(patient.facility.time_zone)
    images = _chosen(actor, patient, image_ids)
    check_consent(images, purpose, zone)
    check_sensitive(images, include_sensitive, zone)
    previews = _previews(images, zone)
    reference = f"{purpose[0].upper()}{secrets.token_hex(4).upper()}"
    data = _zip(reference, purpose, images, previews, zone)
    digest = hashlib.sha256(data).hexdigest()
    record_event(
        actor=actor,
        action=Action.TEACHING_EXPORT,
        target=patient,
        patient=patient,
        request=request,
        detail={
            "purpose": purpose,
            "export": reference,
            # The key back from the set's references to the record, kept only here.
            "images": [str(image.public_id) for image in images],
            "sensitive_included": [str(i.public_id) for i in images if i.is_sensitive],
            "sha256": digest,
        },
    )
    return TeachingExport(
        reference=reference,
        purpose=purpose,
        filename=f"{purpose}-{reference}.zip",
        data=data,
        sha256=digest,
    )
