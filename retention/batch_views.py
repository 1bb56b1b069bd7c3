"""Disposal batch review (remove, approve, object, carry out) and the register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from accounts.reauth import require_recent_authentication
from imaging.services.viewing import view_thumbnails
from retention import selectors
from retention.certificate import as_csv, certificate_pdf, register_rows
from retention.exceptions import RetentionRefused
from retention.forms import ReasonForm, RemoveItemsForm
from retention.models import DisposalBatch
from retention.review import (
    approve_disposal,
    object_to_disposal,
    remove_disposal_items,
    start_disposal,
)

APPROVE = Perm.APPROVE_DISPOSAL
# Big batches are reviewed through the counts and the CSV; the page lists the first few.
SHOWN = 200


def _csv(name: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required(APPROVE, raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "retention/disposalbatch_list.html", {"batches": selectors.batches()}
    )


@login_required
@permission_required(APPROVE, raise_exception=True)
def batch_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Review: counts by facility, rule and year, a sample, the items, the decisions."""
    batch = get_object_or_404(selectors.batches(), public_id=public_id)
    pending = selectors.pending_items(batch)
    items = list(pending[:SHOWN])
    # The page shows each listed image's patient name and thumbnail: one event lists them.
    view_thumbnails(
        actor=request.user,  # type: ignore[arg-type]
        shown=[(item.image.patient, item.image.public_id) for item in items],
        request=request,
        page="disposal-batch",
    )
    context = {
        "batch": batch,
        "summary": selectors.batch_summary(batch),
        "pending": pending.count(),
        "items": items,
        "objections": batch.objections.select_related("raised_by"),
        "records": batch.records.all(),
        # Hide what would only error: neither the proposer nor the first approver
        # may approve (the four-eyes rule).
        "may_approve": request.user.pk
        not in (batch.proposed_by_id, batch.first_approved_by_id),
    }
    return render(request, "retention/disposalbatch_detail.html", context)


@login_required
@permission_required(APPROVE, raise_exception=True)
def batch_csv(request: HttpRequest, public_id: str) -> HttpResponse:
    batch = get_object_or_404(DisposalBatch, public_id=public_id)
    rows = [["image_public_id", "patient_mrn", "facility", "retain_until", "basis"]]
    rows += [
        [
            str(item.image.public_id),
            item.image.patient.mrn,
            item.image.patient.facility.code,
            item.retain_until.isoformat(),
            item.basis,
        ]
        for item in selectors.pending_items(batch)
    ]
    return _csv(f"disposal-batch-{batch.public_id}.csv", as_csv(rows))


@login_required
@permission_required(APPROVE, raise_exception=True)
@require_POST
@require_recent_authentication
def batch_act(request: HttpRequest, public_id: str, act: str) -> HttpResponse:
    """Approve, object, remove items or carry out; refusals come back as messages."""
    batch = get_object_or_404(DisposalBatch, public_id=public_id)
    user = request.user
    try:
        if act == "approve":
            approve_disposal(actor=user, batch=batch, request=request)  # type: ignore[arg-type]
            messages.success(request, "Approval recorded.")
        elif act == "carry-out":
            start_disposal(actor=user, batch=batch, request=request)  # type: ignore[arg-type]
            messages.success(request, "Disposal is being carried out.")
        else:
            _reasoned_act(request, batch, act)
    except RetentionRefused as exc:
        messages.error(request, str(exc))
        return redirect("retention:batch", public_id=public_id)
    return redirect("retention:batch", public_id=public_id)


def _reasoned_act(request: HttpRequest, batch: DisposalBatch, act: str) -> None:
    if act == "remove":
        form: ReasonForm = RemoveItemsForm(request.POST)
        form.fields["images"].choices = [  # type: ignore[attr-defined]
            (i.image_id, i.image_id) for i in selectors.pending_items(batch)
        ]
    else:
        form = ReasonForm(request.POST)
    if not form.is_valid():
        raise RetentionRefused("Choose the images and say why.")
    if act == "remove":
        remove_disposal_items(
            actor=request.user,  # type: ignore[arg-type]
            batch=batch,
            image_ids=form.cleaned_data["images"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, "The chosen images are kept.")
    else:
        object_to_disposal(
            actor=request.user,  # type: ignore[arg-type]
            batch=batch,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, "Objection recorded: the batch will not proceed.")


@login_required
@permission_required(APPROVE, raise_exception=True)
def register(request: HttpRequest) -> HttpResponse:
    entries = selectors.register()[:500]
    return render(request, "retention/disposalrecord_list.html", {"entries": entries})


@login_required
@permission_required(APPROVE, raise_exception=True)
def register_csv(request: HttpRequest) -> HttpResponse:
    text = as_csv(register_rows(selectors.register().iterator()))
    return _csv("disposal-register.csv", text)


@login_required
@permission_required(APPROVE, raise_exception=True)
def certificate(request: HttpRequest, public_id: str) -> HttpResponse:
    batch = get_object_or_404(selectors.batches(), public_id=public_id)
    pdf = certificate_pdf(batch, batch.records.all())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="disposal-certificate-{batch.public_id}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
