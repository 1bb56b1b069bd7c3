"""Web pages and bytes for browsing images: the image page, its derivatives, the original.

Every image is resolved through imaging.selectors (the access rule): 404 when not visible.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from imaging import bodysites
from imaging.gallery import access_history, image_page_detail
from imaging.models import Derivative
from imaging.responses import protected_bytes, protected_stream
from imaging.safety.sensitive import for_display, is_revealed
from imaging.selectors import derivative_of, image_for
from imaging.services.access import (
    derivative_bytes,
    download_original,
    original_filename,
)
from imaging.services.viewing import view_image
from records.holds import is_under_hold
from records.permissions import may_see_access_history
from records.selectors import live_break_glass, seen_through_break_glass


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
        "under_hold": is_under_hold(image),
        "history": access_history(image) if show_history else None,
        "may_download": request.user.has_perm("imaging.download_original"),
        "hidden": image.is_sensitive and not is_revealed(request, image),
        "may_capture": request.user.has_perm("imaging.capture_image"),
        "break_glass": (
            live_break_glass(request.user, image.patient) if through_glass else None
        ),
    }
    return render(request, "records/image_detail.html", context)


def _derivative(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    image = image_for(request.user, public_id)
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
