"""Withdrawing consent for teaching or publication; care consent cannot be withdrawn."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from imaging.exceptions import InvalidField, PatientNotFound
from imaging.models import ClinicalImage
from records.selectors import can_view_patient

WITHDRAWABLE = ("teaching", "publication")
CARE_EXPLANATION = (
    "Consent for the clinical record itself cannot be withdrawn: the image is part of the "
    "health record and is kept for as long as the law requires."
)


@transaction.atomic
def withdraw_consent(
    *,
    actor: User,
    image: ClinicalImage,
    purposes: Iterable[str],
    reason: str = "",
    request: HttpRequest | None = None,
) -> ClinicalImage:
    """Record the withdrawal of consent for teaching and/or publication."""
    if not can_view_patient(actor, image.patient):
        raise PatientNotFound("No such image.")
    chosen = set(purposes)
    if "care" in chosen:
        raise InvalidField(CARE_EXPLANATION, field="purposes")
    if not chosen or not chosen <= set(WITHDRAWABLE):
        raise InvalidField("Choose teaching and/or publication.", field="purposes")
    if "teaching" in chosen:
        image.consent_for_teaching = False
    if "publication" in chosen:
        image.consent_for_publication = False
    image.consent_withdrawn_at = timezone.now()
    image.save(
        update_fields=[
            "consent_for_teaching",
            "consent_for_publication",
            "consent_withdrawn_at",
        ]
    )
    record_event(
        actor=actor,
        action=Action.CONSENT_WITHDRAWN,
        target=image,
        patient=image.patient,
        request=request,
        reason=reason,
        detail={"purposes": sorted(chosen)},
    )
    return image


def usable_for(
    images: QuerySet[ClinicalImage], purpose: str
) -> QuerySet[ClinicalImage]:
    """Only the images whose current consent covers the purpose (care, teaching, publication)."""
    field = {
        "care": "consent_for_care",
        "teaching": "consent_for_teaching",
        "publication": "consent_for_publication",
    }[purpose]
    return images.filter(Q(**{field: True}))
