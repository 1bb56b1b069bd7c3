"""Audited reads through the API: each look at a patient's images is on the record."""

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from audit.services import Action, record_event
from imaging.models import ClinicalImage
from records.models import Patient


@transaction.atomic
def view_image(
    *, actor: User, image: ClinicalImage, what: str, request: HttpRequest | None
) -> None:
    """Record that the user looked at an image (its metadata or its preview)."""
    record_event(
        actor=actor,
        action=Action.VIEW,
        target=image,
        patient=image.patient,
        request=request,
        detail={"what": what},
    )


@transaction.atomic
def view_gallery(*, actor: User, patient: Patient, request: HttpRequest | None) -> None:
    """Record that the user listed a patient's images."""
    record_event(
        actor=actor,
        action=Action.VIEW_GALLERY,
        target=patient,
        patient=patient,
        request=request,
    )
