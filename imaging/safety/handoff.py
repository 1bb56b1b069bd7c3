"""Desktop-to-phone hand-off: a QR code that opens capture bound to one patient.

The link is short-lived, usable once, and only by the user who made it; the phone's
session then stays bound to that patient until the link's expiry, and every upload that
session makes goes through check_binding.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_capture
from audit.services import Action, record_event
from imaging.exceptions import ImagingError, PatientNotFound
from imaging.models import CaptureHandoff
from records.models import Patient
from records.selectors import can_view_patient

LIFETIME = timedelta(minutes=10)
# An upload the binding accepted just before expiry may still be committing: the desktop
# keeps listening this long after the link expires.
ARRIVAL_GRACE = timedelta(minutes=2)
BINDING_KEY = "capture_binding"
REFUSED = (
    "This capture link has expired, was already used, or is not yours. "
    "Make a new one on the computer."
)


class HandoffRefused(ImagingError):
    """Expired, already used, someone else's, or for another patient: one answer."""

    status_code = 404


class BoundToAnotherPatient(ImagingError):
    """A session bound by a hand-off tried to store a photo for some other patient."""

    status_code = 409


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_handoff(
    *, actor: User, patient: Patient, request: HttpRequest | None = None
) -> tuple[CaptureHandoff, str]:
    """Make a one-use capture link for this user and patient; return it with its token."""
    if not may_capture(actor) or not can_view_patient(actor, patient):
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


def open_handoff(
    *, actor: User, token: str, request: HttpRequest | None = None
) -> CaptureHandoff:
    """Consume a hand-off link on the phone; refuse expired, replayed or foreign links."""
    claimed = _claim(actor, token, request)
    # Raised only now, outside _claim's transaction, so the refusal's event is kept.
    if isinstance(claimed, str):
        raise HandoffRefused(claimed)
    return claimed


def _why_refused(actor: User, handoff: CaptureHandoff) -> str:
    """The reason a real link cannot be opened by this user now, or "" if it can."""
    if handoff.user_id != actor.pk:
        return "another_users_link"
    if handoff.opened_at is not None:
        return "already_used"
    if handoff.expires_at <= timezone.now():
        return "expired"
    if not can_view_patient(actor, handoff.patient):
        return "no_access_to_patient"
    return ""


@transaction.atomic
def _claim(
    actor: User, token: str, request: HttpRequest | None
) -> CaptureHandoff | str:
    """The link, opened; or why not, in words for the user (refusals are audited)."""
    handoff = (
        CaptureHandoff.objects.select_related("patient__facility")
        .filter(token_sha256=_digest(token))
        .first()
    )
    if handoff is None:
        # A token nobody made (mistyped, or guessed): there is no link to name.
        return REFUSED
    why = _why_refused(actor, handoff)
    now = timezone.now()
    # Claimed with a conditional UPDATE so two phones racing on one link get one winner.
    if not why and not CaptureHandoff.objects.filter(
        pk=handoff.pk, opened_at__isnull=True
    ).update(opened_at=now):
        why = "already_used"
    if why:
        # A replayed or stolen link is a security signal: the privacy officer sees it.
        record_event(
            actor=actor,
            action=Action.HANDOFF_REFUSED,
            target=handoff,
            patient=handoff.patient,
            request=request,
            detail={"why": why, "made_by": handoff.user.get_username()},
        )
        if why == "no_access_to_patient":
            return "You no longer have access to this patient."
        return REFUSED
    handoff.opened_at = now
    record_event(
        actor=actor,
        action=Action.HANDOFF_OPENED,
        target=handoff,
        patient=handoff.patient,
        request=request,
    )
    return handoff


def arrivals_finished(handoff: CaptureHandoff) -> bool:
    """True once no photo can still come through the link: the desktop stops listening."""
    now = timezone.now()
    if handoff.expires_at > now:
        return False
    return handoff.opened_at is None or handoff.expires_at + ARRIVAL_GRACE <= now


def bind_session(request: HttpRequest, handoff: CaptureHandoff) -> None:
    """Bind this (the phone's) session's capture to the hand-off's patient."""
    request.session[BINDING_KEY] = {
        "handoff": str(handoff.public_id),
        "patient": str(handoff.patient.public_id),
        "expires_at": handoff.expires_at.isoformat(),
    }


def session_binding(
    request: HttpRequest, user: User | AnonymousUser
) -> CaptureHandoff | None:
    """The live hand-off this session's capture is bound to for this user, if any."""
    session = getattr(request, "session", None)
    if session is None or not isinstance(user, User):
        return None
    data: dict[str, Any] | None = session.get(BINDING_KEY)
    if not data:
        return None
    made = (
        CaptureHandoff.objects.select_related("patient__facility")
        .filter(public_id=data["handoff"], user_id=user.pk)
        .first()
    )
    if made is None or made.expires_at <= timezone.now():
        session.pop(BINDING_KEY, None)
        return None
    return made


def check_binding(
    binding: CaptureHandoff | None, *, actor: User, patient: Patient
) -> None:
    """Refuse a bound session's upload for anyone but the hand-off's user and patient."""
    if binding is None:
        return
    if binding.user_id != actor.pk or binding.patient_id != patient.pk:
        bound = binding.patient
        raise BoundToAnotherPatient(
            f"This phone is capturing for {bound.full_name} (MRN {bound.mrn}) only. "
            "Nothing was stored."
        )
