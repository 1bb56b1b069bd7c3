"""Print-queue pages: request copies, open them to print, confirm filing, see overdue."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.acting import acting_user
from common.errors import DomainError
from hardcopy import selectors, services
from hardcopy.models import AWAITING_FILING, HardCopy, overdue_cutoff
from imaging.selectors import images_visible_to
from records.selectors import patients_visible_to
from vault.responses import protected_stream

View = Callable[..., HttpResponseBase]


def printer_view(view: View) -> View:
    """Signed in, with a role that prints (else 403); failures become 404 or a message."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.may_print(request.user):
            # The same answer for every object: it tells nothing about what exists.
            raise PermissionDenied("Your role does not print hard copies.")
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status_code == 404:
                raise Http404(exc.message) from exc
            messages.error(request, exc.message)
            return redirect(_back(request))

    return wrapper


def _back(request: HttpRequest) -> str:
    """The page the form was on, if it is one of ours; else the print queues."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("hardcopies:index")


def _queue_url(copy: HardCopy) -> str:
    if copy.ward is None:
        return reverse("hardcopies:overdue")
    return reverse("hardcopies:queue", args=[copy.ward.public_id])


@require_GET
@printer_view
def index(request: HttpRequest) -> HttpResponse:
    """The print queues the user works, with pending and overdue counts."""
    visible = selectors.hard_copies_visible_to(request.user)
    pending = Q(hard_copies__in=visible.filter(status__in=selectors.QUEUE_STATUSES))
    overdue = Q(
        hard_copies__in=visible.filter(
            status__in=AWAITING_FILING, requested_at__lt=overdue_cutoff()
        )
    )
    wards = selectors.print_queue_wards(request.user).annotate(
        pending=Count("hard_copies", filter=pending, distinct=True),
        overdue=Count("hard_copies", filter=overdue, distinct=True),
    )
    overdue_total = selectors.overdue_hard_copies(request.user).count()
    to_retrieve = selectors.hard_copies_to_retrieve(request.user)
    return render(
        request,
        "hardcopy/hardcopy_index.html",
        {"wards": wards, "overdue_total": overdue_total, "to_retrieve": to_retrieve},
    )


@require_GET
@printer_view
def queue(request: HttpRequest, ward_id: UUID) -> HttpResponse:
    """One ward's print queue: pending copies, oldest first, overdue ones flagged."""
    ward = selectors.ward_for(request.user, ward_id)
    copies = selectors.print_queue(request.user, ward).prefetch_related("files")
    return render(
        request, "hardcopy/hardcopy_queue.html", {"ward": ward, "copies": copies}
    )


@require_GET
@printer_view
def overdue(request: HttpRequest) -> HttpResponse:
    """Copies not filed in time, across every queue the user may see."""
    copies = selectors.overdue_hard_copies(request.user).prefetch_related("files")
    return render(
        request,
        "hardcopy/hardcopy_overdue.html",
        {"copies": copies, "overdue_days": settings.CUSTODIAN_HARD_COPY_OVERDUE_DAYS},
    )


@require_POST
@printer_view
def print_copy(request: HttpRequest, copy_id: UUID) -> StreamingHttpResponse:
    """Open a hard copy's PDF in the browser to print it (audited, marks it printed)."""
    copy = selectors.hard_copy_for(request.user, copy_id)
    number = _file_number(request.POST.get("file", "1"))
    pdf_file, chunks = services.print_hard_copy(
        actor=acting_user(request), hard_copy=copy, number=number, request=request
    )
    response = protected_stream(
        chunks,
        content_type="application/pdf",
        filename=f"hard-copy-{copy.public_id}-{number}.pdf",
        size=pdf_file.size_bytes,
        inline=True,
    )
    # The PDF is Custodian's own rendering, not uploaded bytes; a sandboxed CSP would
    # stop the browser's PDF viewer from showing it.
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _file_number(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise Http404("No such file.")
    return int(raw)


@require_POST
@printer_view
def filed(request: HttpRequest, copy_id: UUID) -> HttpResponse:
    """Confirm, as the person who did it, that the copy is in the paper record."""
    copy = selectors.hard_copy_for(request.user, copy_id)
    services.confirm_hard_copy_filed(
        actor=acting_user(request), hard_copy=copy, request=request
    )
    messages.success(request, f"Filed: hard copy for {copy.patient.full_name}.")
    return redirect(_queue_url(copy))


@require_POST
@printer_view
def retrieved(request: HttpRequest, copy_id: UUID) -> HttpResponse:
    """Confirm, as the person who did it, that the copy is out of the paper record."""
    copy = selectors.hard_copy_for(request.user, copy_id)
    services.confirm_hard_copy_retrieved(
        actor=acting_user(request), hard_copy=copy, request=request
    )
    messages.success(
        request, f"Taken out of the paper record of {copy.patient.full_name}."
    )
    return redirect("hardcopies:index")


@require_POST
@printer_view
def request_image(request: HttpRequest, image_id: UUID) -> HttpResponse:
    """Queue a hard copy of one image."""
    copy = services.request_hard_copy(
        actor=request.user,
        image_ids=[str(image_id)],
        layout=request.POST.get("layout", HardCopy.Layout.SINGLE),
        request=request,
    )
    messages.success(request, "The hard copy is queued for printing.")
    return redirect(_queue_url(copy))


@printer_view
def request_patient(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """Choose some or all of a patient's images and queue one hard copy of them."""
    patient = patients_visible_to(request.user).filter(public_id=patient_id).first()
    if patient is None:
        raise Http404("No such patient.")
    if request.method == "POST":
        chosen = request.POST.getlist("images")
        layout = request.POST.get("layout", HardCopy.Layout.SINGLE)
        if chosen:
            copy = services.request_hard_copy(
                actor=request.user,
                image_ids=chosen,
                layout=layout,
                patient=patient,
                request=request,
            )
        else:
            copy = services.request_patient_hard_copy(
                actor=request.user, patient=patient, layout=layout, request=request
            )
        messages.success(request, f"{copy.images_total} image(s) queued for printing.")
        return redirect(_queue_url(copy))
    images = images_visible_to(request.user).filter(patient=patient)
    return render(
        request,
        "hardcopy/hardcopy_request.html",
        {"patient": patient, "images": images, "layouts": HardCopy.Layout.choices},
    )
