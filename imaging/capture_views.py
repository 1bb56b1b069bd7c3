"""The mobile capture page: find the patient, take or choose photos, confirm, send.

Photos go one request each to upload_photo, the API's own upload view with the browser's
session, so the page and the API share one validation path and one ingest service.
"""

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm, may_capture
from imaging.api.images import PatientImages
from imaging.forms import PURPOSE_CHOICES, CaptureForm, WristbandForm
from imaging.howto import delete_from_phone_html
from imaging.models import ClinicalImage
from imaging.safety.handoff import session_binding
from imaging.selectors import image_for
from imaging.serializers import (
    ExifHintsSerializer,
    PageUploadSerializer,
    PatientSerializer,
)
from imaging.validation import read_exif_hints

EXIF_HEAD_BYTES = 512 * 1024
RECEIPT_SOURCES = ("camera", "file")


@login_required
@permission_required(Perm.CAPTURE_IMAGE, raise_exception=True)
def capture_page(request: HttpRequest) -> HttpResponse:
    """The one-handed capture page (bound to one patient when opened from a hand-off)."""
    binding = session_binding(request, request.user)
    bound = PatientSerializer(binding.patient).data if binding else None
    # Bound to a patient, the page knows at once whether to ask for the wristband;
    # otherwise capture.js asks once a patient is chosen.
    asks = bool(bound and bound["requires_wristband_scan"])
    return render(
        request,
        "imaging/capture_page.html",
        {
            "form": CaptureForm(),
            "wristband_form": WristbandForm(is_required=asks),
            "binding": binding,
            "bound_patient": bound,
        },
    )


@extend_schema(exclude=True)
class UploadPhoto(PatientImages):
    """The capture page's upload: the API's view, with the session and channel web."""

    authentication_classes = [SessionAuthentication]
    channel = ClinicalImage.Channel.WEB
    upload_serializer = PageUploadSerializer


@extend_schema(exclude=True)
class ExifHints(APIView):
    """Read capture time and device from a photo's first bytes, to prefill the form."""

    authentication_classes = [SessionAuthentication]
    parser_classes = [MultiPartParser]

    def post(self, request: Request) -> Response:
        if not may_capture(request.user):
            raise PermissionDenied("Your role may not capture images.")
        form = ExifHintsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload: UploadedFile[bytes] = form.validated_data["head"]
        taken, device = read_exif_hints(upload.read(EXIF_HEAD_BYTES))
        # The camera's wall clock, for a datetime-local field; offsets are dropped
        # because the page reads the field on the facility's clock.
        local = taken.strftime("%Y-%m-%dT%H:%M:%S") if taken else ""
        return Response({"captured_at": local, "device": device})


def _receipt_context(image: ClinicalImage, source: str) -> dict[str, Any]:
    zone = ZoneInfo(image.patient.facility.time_zone)
    return {
        "image": image,
        # Where the page took the photo from: "camera" (the browser's camera input,
        # which never reaches the camera roll) or "file" (a photo the phone keeps).
        "source": source if source in RECEIPT_SOURCES else "",
        "patient": image.patient,
        "stored_at": timezone.localtime(image.uploaded_at, zone),
        "captured_at": timezone.localtime(image.captured_at, zone),
        # What was recorded, echoed so the nurse sees the consent she chose.
        "consent_covers": ", ".join(
            dict(PURPOSE_CHOICES)[purpose].lower() for purpose in image.consent_purposes
        ),
    }


@login_required
def receipt(request: HttpRequest, image_id: UUID) -> HttpResponse:
    """The receipt for a stored photo; the page shows it only after the commit."""
    image = image_for(request.user, image_id)
    template = (
        "imaging/_capture_receipt.html"
        if request.GET.get("partial")
        else "imaging/capture_receipt.html"
    )
    source = request.GET.get("source", "")
    return render(request, template, _receipt_context(image, source))


@login_required
def delete_from_phone(request: HttpRequest) -> HttpResponse:
    """The one-page how-to linked from every receipt (docs/guide/delete-from-phone.md)."""
    return render(
        request, "imaging/delete_from_phone.html", {"howto": delete_from_phone_html()}
    )
