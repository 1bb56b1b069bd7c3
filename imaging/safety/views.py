"""Pages for clinical safety: hand-off QR, phone entry, moves, reveal, consent."""

import base64
import io
from collections.abc import Callable
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.acting import acting_user
from imaging.exceptions import ImagingError
from imaging.models import CaptureHandoff, ClinicalImage, MoveRequest
from imaging.safety import consent, handoff, moves, sensitive
from imaging.selectors import image_for, images_visible_to
from records.selectors import patients_visible_to

# dd/mm/yyyy on the facility's clock (DESIGN.md §6, locale).
LOCAL_TIME = "%d/%m/%Y %H:%M"


def _qr_data_uri(text: str) -> str:
    svg = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12).save(
        svg
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


@login_required
@require_POST
def handoff_create(request: HttpRequest, patient_id: str) -> HttpResponse:
    """The desktop shows a QR code that opens capture for this patient on the phone."""
    user = acting_user(request)
    patient = get_object_or_404(patients_visible_to(user), public_id=patient_id)
    try:
        made, token = handoff.create_handoff(
            actor=user, patient=patient, request=request
        )
    except ImagingError as exc:
        return HttpResponse(exc.message, status=exc.status_code)
    link = request.build_absolute_uri(reverse("safety:handoff-open", args=[token]))
    return render(
        request,
        "imaging/safety/handoff_show.html",
        {"handoff": made, "patient": patient, "link": link, "qr": _qr_data_uri(link)},
    )


@login_required
@require_GET
def handoff_arrivals(request: HttpRequest, handoff_id: str) -> JsonResponse:
    """Photos that came through this hand-off, for the desktop's live list."""
    user = acting_user(request)
    made = get_object_or_404(
        CaptureHandoff.objects.select_related("patient__facility"),
        public_id=handoff_id,
        user=user,
    )
    arrived = images_visible_to(user).filter(handoff=made).order_by("uploaded_at")
    zone = ZoneInfo(made.patient.facility.time_zone)
    return JsonResponse(
        {
            "opened": made.opened_at is not None,
            "expired": made.expires_at <= timezone.now(),
            "finished": handoff.arrivals_finished(made),
            "images": [
                {
                    "id": str(image.public_id),
                    "captured_at": image.captured_at.isoformat(),
                    "captured_at_local": timezone.localtime(
                        image.captured_at, zone
                    ).strftime(LOCAL_TIME),
                }
                for image in arrived[:100]
            ],
        }
    )


@login_required
@require_GET
def handoff_open(request: HttpRequest, token: str) -> HttpResponse:
    """The phone opens the link (after signing in): capture is bound to the patient."""
    try:
        made = handoff.open_handoff(
            actor=acting_user(request), token=token, request=request
        )
    except ImagingError as exc:
        return render(
            request,
            "imaging/safety/handoff_refused.html",
            {"message": exc.message},
            status=exc.status_code,
        )
    handoff.bind_session(request, made)
    # /capture/ is a contract URL (DESIGN.md §6).
    return redirect(f"/capture/?patient={made.patient.public_id}")


def _back(request: HttpRequest, image: ClinicalImage) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect("/")


def _act_on_image(
    request: HttpRequest,
    image_id: str,
    act: Callable[..., object],
    done: str,
    **fields: Any,
) -> HttpResponse:
    """Run one audited act on an image the user may see; report it and go back."""
    image = image_for(request.user, image_id)
    try:
        act(actor=acting_user(request), image=image, request=request, **fields)
        if done:
            messages.success(request, done)
    except ImagingError as exc:
        messages.error(request, exc.message)
    return _back(request, image)


@login_required
@require_POST
def reveal(request: HttpRequest, image_id: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act_on_image(
        request, image_id, sensitive.reveal_sensitive, "", reason=reason
    )


@login_required
@require_POST
def set_sensitivity(request: HttpRequest, image_id: str) -> HttpResponse:
    chosen = request.POST.get("sensitivity", "")
    return _act_on_image(
        request,
        image_id,
        sensitive.mark_sensitive,
        "Sensitivity recorded.",
        sensitivity=chosen,
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def withdraw_consent(request: HttpRequest, image_id: str) -> HttpResponse:
    return _act_on_image(
        request,
        image_id,
        consent.withdraw_consent,
        "Consent withdrawal recorded.",
        purposes=request.POST.getlist("purposes"),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def move_request(request: HttpRequest, image_id: str) -> HttpResponse:
    user = acting_user(request)
    image = image_for(user, image_id)
    target = (
        patients_visible_to(user)
        .filter(
            mrn=request.POST.get("to_mrn", "").strip(),
            facility_id=image.patient.facility_id,
        )
        .first()
    )
    if target is None:
        messages.error(
            request, "No patient with that MRN among the patients you can see."
        )
        return _back(request, image)
    try:
        moves.request_move(
            actor=user,
            image=image,
            to_patient=target,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, "Move requested: a second person must approve it.")
    except ImagingError as exc:
        messages.error(request, exc.message)
    return _back(request, image)


@login_required
@require_GET
def move_queue(request: HttpRequest) -> HttpResponse:
    """Pending moves this user may decide (not their own)."""
    pending = moves.moves_awaiting(acting_user(request))
    return render(request, "imaging/safety/move_queue.html", {"moves": pending})


def _decide_move(
    request: HttpRequest, move_id: str, decide: Callable[..., object], done: str
) -> HttpResponse:
    user = acting_user(request)
    move = get_object_or_404(
        MoveRequest.objects.filter(from_patient__in=patients_visible_to(user)),
        public_id=move_id,
    )
    try:
        decide(actor=user, move=move, request=request)
        messages.success(request, done)
    except ImagingError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("safety:move-queue")


@login_required
@require_POST
def move_approve(request: HttpRequest, move_id: str) -> HttpResponse:
    return _decide_move(
        request,
        move_id,
        moves.approve_move,
        "The image was moved to the right patient.",
    )


@login_required
@require_POST
def move_decline(request: HttpRequest, move_id: str) -> HttpResponse:
    return _decide_move(
        request,
        move_id,
        partial(moves.decline_move, reason=request.POST.get("reason", "")),
        "Move declined: the image stays where it is.",
    )
