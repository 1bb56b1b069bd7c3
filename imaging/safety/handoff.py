"""Desktop-to-phone hand-off: a QR code that opens capture bound to one patient.

The link is short-lived, usable once, and only by the user who made it; the phone's
session then stays bound to that patient until the link's expiry.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from imaging.exceptions import ImagingError, PatientNotFound
from imaging.safety.models import CaptureHandoff
from records.models import Patient
from records.selectors import can_view_patient

LIFETIME = timedelta(minutes=10)


class HandoffRefused(ImagingError):
    """Expired, already used, someone else's, or for another patient: one answer."""

    status_code = 404


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_handoff(
    *, actor: User, patient: Patient, request: HttpRequest | None = None
) -> tuple[CaptureHandoff, str]:
    """Make a one-use capture link for this user and patient; return it with its token."""
    if not actor.has_perm("imaging.capture_image") or not can_view_patient(
        actor, patient
    ):
        raise PatientNotFound("No such patient.")
    token = secrets.token_urlsafe(32)
    handoff = CaptureHandoff.objects.create(
        token_sha256=_digest(token),
        user=actor,
        patient=patient,
        expires_at=timezone.now() + LIFETIME,
    )
    record_event(
        actor=actor,
        action=Action.HANDOFF_CREATED,
        target=handoff,
        patient=patient,
        request=request,
        detail={"expires_at": handoff.expires_at.isoformat()},
    )
    return handoff, token


@transaction.atomic
def open_handoff(
    *, actor: User, token: str, request: HttpRequest | None = None
) -> CaptureHandoff:
    """Consume a hand-off link on the phone; refuse expired, replayed or foreign links."""
    # Claimed with a conditional UPDATE so two phones racing on one link get one winner.
    claimed = CaptureHandoff.objects.filter(
        token_sha256=_digest(token),
        user=actor,
        opened_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(opened_at=timezone.now())
    if claimed != 1:
        raise HandoffRefused(
            "This capture link has expired, was already used, or is not yours. "
            "Make a new one on the computer."
        )
    handoff = CaptureHandoff.objects.select_related("patient__facility").get(
        token_sha256=_digest(token)
    )
    if not can_view_patient(actor, handoff.patient):
        raise HandoffRefused("You no longer have access to this patient.")
    record_event(
        actor=actor,
        action=Action.HANDOFF_OPENED,
        target=handoff,
        patient=handoff.patient,
        request=request,
    )
    return handoff


def bound_patient_matches(binding: CaptureHandoff | None, patient: Patient) -> bool:
    """True when there is no binding, or it is live and for this patient."""
    if binding is None:
        return True
    return binding.patient_id == patient.pk and binding.expires_at > timezone.now()
