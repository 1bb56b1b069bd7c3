"""Web pages and bytes for browsing images: the image page, its derivatives, the original.

Every image is resolved through imaging.selectors (the access rule): 404 when not visible.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.permissions import may_capture, may_download_original
from imaging import bodysites
from imaging.forms import GalleryFilterForm
from imaging.gallery import (
    GalleryFilters,
    GalleryPage,
    access_history,
    body_sites_of,
    coded_sites_of,
    gallery_page,
    image_page_detail,
)
from imaging.hooks import image_page_sections, is_kept_by
from imaging.models import ClinicalImage, Derivative
from imaging.safety.sensitive import for_display, is_revealed
from imaging.selectors import derivative_of, image_for
from imaging.services.access import (
    derivative_bytes,
    download_original,
    original_filename,
)
from imaging.services.viewing import view_gallery, view_image
from records.permissions import may_see_access_history
from records.selectors import (
    encounter_history,
    live_break_glass,
    patient_for,
    seen_through_break_glass,
)
from vault.responses import protected_bytes, protected_stream


@login_required
def image_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Preview, provenance, consent, SHA-256, retention and (for some) access history."""
    image = image_page_detail(request.user, public_id)
    through_glass = seen_through_break_glass(request.user, image.patient)
    view_image(
        actor=request.user,  # type: ignore[arg-type]
        image=image,
        request=request,
        break_glass=through_glass,
    )
    show_history = may_see_access_history(request.user)
    context = {
        "image": image,
        "patient": image.patient,
        "coded_site": bodysites.BY_CODE.get(image.body_site_code),
        "under_hold": is_kept_by(image, "legal_hold"),
        "history": access_history(image) if show_history else None,
        "may_download": may_download_original(request.user),
        "hidden": image.is_sensitive and not is_revealed(request, image),
        "may_capture": may_capture(request.user),
        "break_glass": (
            live_break_glass(request.user, image.patient) if through_glass else None
        ),
        "sections": [
            section
            for add in image_page_sections
            if (section := add(image, request.user)) is not None
        ],
    }
    return render(request, "imaging/image_detail.html", context)


def _derivative(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    return derivative_response(request, image_for(request.user, public_id), kind)


def derivative_response(
    request: HttpRequest, image: ClinicalImage, kind: str
) -> HttpResponse:
    """An image already resolved for the user: its derivative as they may see it now."""
    derivative = derivative_of(image, kind)
    if derivative is None:
        raise Http404("Not made yet.")
    return protected_bytes(
        for_display(request, image, derivative_bytes(derivative)),
        content_type="image/jpeg",
        filename=f"{image.public_id}-{kind}.jpg",
    )


@login_required
def image_thumbnail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A thumbnail's bytes for a page that has already audited showing it."""
    return _derivative(request, public_id, Derivative.Kind.THUMBNAIL)


@login_required
def image_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """A preview's bytes for the image page (audited as the page view)."""
    return _derivative(request, public_id, Derivative.Kind.PREVIEW)


@login_required
def image_original(
    request: HttpRequest, public_id: str
) -> HttpResponse | StreamingHttpResponse:
    """The original's exact bytes as a download, audited.

    A sensitive image is revealed (with a reason, audited) before its original can be
    downloaded from the page: the download would otherwise bypass the blur.
    """
    image = image_for(request.user, public_id)
    if image.is_sensitive and not is_revealed(request, image):
        return HttpResponse(
            "This image is sensitive: reveal it on its page, saying why, before "
            "downloading the original.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    chunks = download_original(actor=request.user, image=image, request=request)  # type: ignore[arg-type]
    return protected_stream(
        chunks,
        content_type=image.content_type,
        filename=original_filename(image),
        size=image.size_bytes,
    )


@login_required
def patient_gallery(request: HttpRequest, public_id: str) -> HttpResponse:
    """A patient's images by date, filtered and keyset-paginated; one audit event."""
    patient = patient_for(request.user, public_id)
    form = GalleryFilterForm(
        request.GET,
        patient=patient,
        body_sites=body_sites_of(request.user, patient),
        coded_sites=coded_sites_of(request.user, patient),
    )
    through_glass = seen_through_break_glass(request.user, patient)
    if form.is_valid():
        page = gallery_page(
            request.user,
            patient,
            GalleryFilters(**form.cleaned_data),
            request.GET.get("after", ""),
        )
        view_gallery(
            actor=request.user,  # type: ignore[arg-type]
            patient=patient,
            images=page.images,
            request=request,
            filters={k: str(v) for k, v in form.data.items() if v and k != "after"},
            break_glass=through_glass,
        )
    else:
        # A filter that cannot be applied shows nothing rather than everything.
        page = GalleryPage(images=[])
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "patient": patient,
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "encounters": encounter_history(patient),
        "break_glass": live_break_glass(request.user, patient)
        if through_glass
        else None,
    }
    return render(
        request,
        "imaging/patient_gallery.html",
        context,
        status=200 if form.is_valid() else 400,
    )
