"""The teaching/publication export page: choose images and a purpose, download the set."""

from uuid import UUID

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.acting import acting_user
from accounts.permissions import Perm
from accounts.reauth import require_recent_authentication
from imaging.exceptions import ImagingError
from imaging.gallery import is_uuid
from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from imaging.services.viewing import view_gallery
from imaging.teaching.export import PURPOSES, export_for_teaching
from records.models import Patient
from records.selectors import patient_for
from vault.responses import protected_bytes

# The newest images are listed, and any chosen on an image page however old.
LISTED = 200


@login_required
@permission_required(Perm.EXPORT_FOR_TEACHING, raise_exception=True)
@require_recent_authentication
def export_page(request: HttpRequest, patient_id: str) -> HttpResponse:
    """GET: the form (images chosen by ?images=); POST: the ZIP, or the form with why not."""
    user = acting_user(request)
    patient = patient_for(user, patient_id)
    if request.method != "POST":
        chosen = request.GET.getlist("images")
        images = _listed(user, patient, chosen)
        # The form shows the patient's thumbnails: a page view, as the gallery's is.
        view_gallery(
            actor=user,
            patient=patient,
            images=images,
            request=request,
            filters={"page": "teaching-export"},
        )
        return _page(request, patient, images, chosen)
    chosen = request.POST.getlist("images")
    try:
        made = export_for_teaching(
            actor=user,
            patient=patient,
            image_ids=chosen,
            purpose=request.POST.get("purpose", ""),
            include_sensitive=request.POST.get("include_sensitive") == "on",
            request=request,
        )
    except ImagingError as exc:
        flagged = {str(i.public_id) for i in getattr(exc, "images", [])}
        images = _listed(user, patient, chosen)
        return _page(
            request,
            patient,
            images,
            chosen,
            error=exc.message,
            flagged=flagged,
            status=exc.status_code,
        )
    return protected_bytes(
        made.data, content_type="application/zip", filename=made.filename, inline=False
    )


def _listed(user: User, patient: Patient, chosen: list[str]) -> list[ClinicalImage]:
    visible = images_visible_to(user).filter(patient=patient)
    newest = list(visible.order_by("-captured_at", "-id")[:LISTED])
    shown = {image.public_id for image in newest}
    wanted = {UUID(v) for v in chosen if is_uuid(v)} - shown
    return newest + list(visible.filter(public_id__in=wanted)) if wanted else newest


def _page(
    request: HttpRequest,
    patient: Patient,
    images: list[ClinicalImage],
    chosen: list[str],
    *,
    error: str = "",
    flagged: set[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "patient": patient,
        "images": images,
        "chosen": set(chosen),
        "flagged": flagged or set(),
        "purposes": PURPOSES.items(),
        "purpose": request.POST.get("purpose", "teaching"),
        "include_sensitive": request.POST.get("include_sensitive") == "on",
        "error": error,
    }
    return render(request, "imaging/teaching_export.html", context, status=status)
