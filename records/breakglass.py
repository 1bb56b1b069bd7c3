"""Break-the-glass: opening a patient outside one's wards, for a stated reason, for a while.

The grant is a row the access rule (records.selectors) honours until it expires; each grant
and each review is audited, and every grant waits in the privacy officers' review queue.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.permissions import may_review_break_glass
from audit.services import Action, record_event
from records.models import BreakGlassAccess, Patient
from records.permissions import may_break_glass
from records.selectors import break_glass_candidates, break_glass_queue


@transaction.atomic
def request_break_glass(
    *,
    actor: User,
    patient: Patient,
    reason_code: str,
    reason_text: str,
    request: HttpRequest | None = None,
) -> BreakGlassAccess:
    """Open a patient outside the actor's wards for a limited time, giving a reason."""
    if not may_break_glass(actor):
        raise PermissionDenied("Only ward staff may break the glass.")
    if not break_glass_candidates(actor).filter(pk=patient.pk).exists():
        raise Http404("No such patient.")
    errors = {}
    if reason_code not in BreakGlassAccess.Reason.values:
        errors["reason_code"] = "Choose the reason you need this patient's record."
    if not reason_text.strip():
        errors["reason_text"] = "Explain in a few words why you need this record."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=actor,
        patient=patient,
        reason_code=reason_code,
        reason_text=reason_text.strip(),
        granted_at=now,
        expires_at=now + timedelta(hours=settings.CUSTODIAN_BREAK_GLASS_HOURS),
    )
    record_event(
        actor=actor,
        action=Action.BREAK_GLASS,
        target=access,
        patient=patient,
        request=request,
        reason=f"{access.get_reason_code_display()}: {access.reason_text}",
        detail={"reason_code": reason_code, "expires_at": access.expires_at},
    )
    return access


@transaction.atomic
def review_break_glass(
    *,
    actor: User,
    access: BreakGlassAccess,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> BreakGlassAccess:
    """Record a privacy officer's review of a break-the-glass access."""
    if not may_review_break_glass(actor):
        raise PermissionDenied("Only privacy officers review break-the-glass access.")
    locked = (
        break_glass_queue(actor)
        .select_for_update(of=("self",))
        .filter(pk=access.pk)
        .first()
    )
    if locked is None:
        raise Http404("No such access to review.")
    if locked.user_id == actor.pk:
        raise PermissionDenied("Nobody reviews their own access.")
    if outcome not in (
        BreakGlassAccess.Review.APPROPRIATE,
        BreakGlassAccess.Review.REFERRED,
    ):
        raise ValidationError({"outcome": "Choose appropriate or referred."})
    if not locked.is_pending:
        raise ValidationError({"outcome": "This access has already been reviewed."})
    locked.review_status = outcome
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note.strip()
    locked.save(
        update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note"]
    )
    record_event(
        actor=actor,
        action=Action.BREAK_GLASS_REVIEWED,
        target=locked,
        patient=locked.patient,
        request=request,
        reason=locked.review_note,
        detail={"outcome": outcome, "user": locked.user.get_username()},
    )
    return locked
