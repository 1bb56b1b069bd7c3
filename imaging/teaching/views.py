"""The teaching/publication export page: choose images and a purpose, download the set."""

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.reauth import require_recent_authentication
from imaging.exceptions import ImagingError
from imaging.responses import protected_bytes
from imaging.selectors import images_visible_to
from imaging.teaching.export import PURPOSES, export_for_teaching
from records.models import Patient
from records.selectors import patient_for


@login_required
@permission_required("imaging.export_for_teaching", raise_exception=True)
@require_recent_authentication
def export_page(request: HttpRequest, patient_id: str) -> HttpResponse:
    """GET: the form (images chosen by ?images=); POST: the ZIP, or the form with why not."""
    patient = patient_for(request.user, patient_id)
    if request.method != "POST":
        return _page(request, patient, chosen=request.GET.getlist("images"))
    chosen = request.POST.getlist("images")
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    try:
        made = export_for_teaching(
            actor=request.user,
            patient=patient,
            image_ids=chosen,
            purpose=request.POST.get("purpose", ""),
            include_sensitive=request.POST.get("include_sensitive") == "on",
            request=request,
        )
    except ImagingError as exc:
        flagged = {str(i.public_id) for i in getattr(exc, "images", [])}
        return _page(
            request,
            patient,
            chosen,
            error=exc.message,
            flagged=flagged,
            status=exc.status_code,
        )
    return protected_bytes(
        made.data, content_type="application/zip", filename=made.filename, inline=False
    )


def _page(
    request: HttpRequest,
    patient: Patient,
    chosen: list[str],
    *,
    error: str = "",
    flagged: set[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    images = (
        images_visible_to(request.user).filter(patient=patient).order_by("-captured_at")
    )
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
