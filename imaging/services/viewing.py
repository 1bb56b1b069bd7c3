"""Auditing what pages show: one event per page view, listing the images shown.

Thumbnail and preview bytes are fetched by the page's <img> tags; auditing each of those
requests would flood the trail and say nothing more than the page event already does.
"""

from collections.abc import Sequence
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import Action, record_event
from imaging.models import ClinicalImage
from records.models import Patient


@transaction.atomic
def view_gallery(
    *,
    actor: User,
    patient: Patient,
    images: Sequence[ClinicalImage],
    request: HttpRequest | None = None,
    filters: dict[str, str] | None = None,
    break_glass: bool = False,
) -> AuditEvent:
    """Record that a gallery page of the patient's images was shown."""
    return record_event(
        actor=actor,
        action=Action.VIEW_GALLERY,
        target=patient,
        patient=patient,
        request=request,
        detail={
            "images": [str(image.public_id) for image in images],
            "filters": filters or {},
            "break_glass": break_glass,
        },
    )


@transaction.atomic
def view_image(
    *,
    actor: User,
    image: ClinicalImage,
    request: HttpRequest | None = None,
    break_glass: bool = False,
    what: str = "page",
) -> AuditEvent:
    """Record that an image was shown: its page, its API metadata or its preview."""
    return record_event(
        actor=actor,
        action=Action.VIEW,
        target=image,
        patient=image.patient,
        request=request,
        detail={"sha256": image.sha256, "break_glass": break_glass, "what": what},
    )


@transaction.atomic
def view_thumbnails(
    *,
    actor: User,
    shown: Sequence[tuple[Patient, UUID]],
    request: HttpRequest | None = None,
    page: str = "my-wards",
) -> AuditEvent | None:
    """Record the thumbnails (patient, image) a list page showed (none: nothing).

    My wards' newest images, or the images of a disposal batch under review.
    """
    if not shown:
        return None
    return record_event(
        actor=actor,
        action=Action.VIEW_GALLERY,
        request=request,
        detail={
            "page": page,
            "images": [str(image_id) for _, image_id in shown],
            "patients": [str(patient.public_id) for patient, _ in shown],
        },
    )
