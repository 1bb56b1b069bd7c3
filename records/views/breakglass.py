"""Break-the-glass: asking for a patient outside one's wards, and reviewing such access."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from records.breakglass import request_break_glass, review_break_glass
from records.forms import BreakGlassForm, BreakGlassReviewForm
from records.selectors import break_glass_candidates, break_glass_queue


def _add_errors(
    form: BreakGlassForm | BreakGlassReviewForm, error: ValidationError
) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
@permission_required(Perm.BREAK_GLASS, raise_exception=True)
def break_glass(request: HttpRequest) -> HttpResponse:
    """Open a patient of one's hospital outside one's wards, giving a reason."""
    form = BreakGlassForm(request.POST or None, initial={"mrn": request.GET.get("mrn")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = (
            break_glass_candidates(request.user).filter(mrn=data["mrn"].strip()).first()
        )
        if patient is None:
            form.add_error("mrn", "No patient with this MRN at your hospital.")
        else:
            try:
                request_break_glass(
                    actor=request.user,  # type: ignore[arg-type]
                    patient=patient,
                    reason_code=data["reason_code"],
                    reason_text=data["reason_text"],
                    request=request,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.warning(
                    request,
                    "Access granted for a limited time. It is recorded and will be "
                    "reviewed by a privacy officer.",
                )
                return redirect("imaging:patient-gallery", public_id=patient.public_id)
    context = {"form": form, "hours": settings.CUSTODIAN_BREAK_GLASS_HOURS}
    return render(request, "records/breakglass_form.html", context)


@login_required
@permission_required(Perm.REVIEW_BREAK_GLASS, raise_exception=True)
def break_glass_review_queue(request: HttpRequest) -> HttpResponse:
    """The privacy officer's queue: accesses awaiting review, then recent reviews."""
    accesses = list(break_glass_queue(request.user)[:200])
    context = {
        "pending": [a for a in accesses if a.is_pending],
        "reviewed": [a for a in accesses if not a.is_pending],
    }
    return render(request, "records/breakglass_queue.html", context)


@require_POST
@login_required
@permission_required(Perm.REVIEW_BREAK_GLASS, raise_exception=True)
def break_glass_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """Mark one access appropriate or referred."""
    access = get_object_or_404(break_glass_queue(request.user), public_id=public_id)
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            review_break_glass(
                actor=request.user,  # type: ignore[arg-type]
                access=access,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Review of {access.user} recorded.")
    else:
        messages.error(request, "Choose appropriate or refer for investigation.")
    return redirect("records:break-glass-queue")
