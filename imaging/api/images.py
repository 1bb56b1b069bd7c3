"""A patient's images: list, upload (idempotent), metadata, original and derivatives."""

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.acting import acting_user
from accounts.permissions import may_capture
from common.api import ErrorSerializer, refusals
from imaging.exceptions import ImagingError
from imaging.models import CaptureHandoff, ClinicalImage, Derivative
from imaging.safety.handoff import session_binding
from imaging.safety.sensitive import for_display, is_revealed, reveal_sensitive
from imaging.selectors import derivative_of, image_for, images_visible_to
from imaging.serializers import (
    ImageDetailSerializer,
    ImageListFilterSerializer,
    ImageSerializer,
    ImageUploadSerializer,
    ReceiptSerializer,
)
from imaging.services.access import (
    derivative_bytes,
    download_original,
    original_filename,
)
from imaging.services.capture import CaptureDetails, capture_image
from imaging.services.viewing import view_gallery, view_image
from records.models import Patient
from records.selectors import patients_visible_to
from vault.responses import protected_bytes, protected_stream

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description=(
        "One per photo, made by the client (a UUID). A retry with the same key and "
        "the same file answers 200 with the original receipt, never a second image."
    ),
)
ERRORS = refusals(
    {
        400: "A field is not valid (field errors beside detail).",
        404: "No such patient, or not one the caller may see.",
        409: (
            "These bytes are already in the patient's record (existing_id), or this "
            "session is bound by a phone hand-off to another patient."
        ),
        413: "The file is over CUSTODIAN_MAX_UPLOAD_MB.",
        415: "Not an accepted image (JPEG, PNG, HEIC/HEIF, WebP, TIFF) or damaged.",
        422: "The Idempotency-Key was used for another patient or other bytes.",
    }
)
BINARY = {(200, "image/*"): OpenApiTypes.BINARY, 404: ErrorSerializer}


class ImagePagination(CursorPagination):
    ordering = ("-captured_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200


def _patient_for(user: Any, public_id: UUID) -> Patient:
    return get_object_or_404(patients_visible_to(user), public_id=public_id)


def _details(
    data: dict[str, Any], key: str, handoff: CaptureHandoff | None
) -> CaptureDetails:
    return CaptureDetails(
        capture_mode=data["capture_mode"],
        consent_kind=data["consent_kind"],
        consent_purposes=tuple(data["consent_purposes"]),
        captured_at=data.get("captured_at"),
        captured_by_name=data.get("captured_by_name", ""),
        device=data.get("device", ""),
        body_site=data.get("body_site", ""),
        body_site_code=data.get("body_site_code", ""),
        laterality=data.get("laterality", ""),
        view=data.get("view", ""),
        sensitivity=data.get("sensitivity", ""),
        wristband=data.get("wristband") or None,
        note=data.get("note", ""),
        idempotency_key=key,
        original_filename=getattr(data["file"], "name", "") or "",
        handoff=handoff,
    )


class PatientImages(APIView):
    parser_classes = [MultiPartParser, FormParser]
    channel = ClinicalImage.Channel.API
    upload_serializer: type[ImageUploadSerializer] = ImageUploadSerializer

    @extend_schema(
        summary="A patient's images, newest first",
        responses={
            200: inline_serializer(
                "ImagePage",
                {
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": ImageSerializer(many=True),
                },
            ),
            404: ErrorSerializer,
        },
        parameters=[
            ImageListFilterSerializer,
            OpenApiParameter("cursor", str, description="From next/previous."),
        ],
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = _patient_for(request.user, patient_id)
        filters = ImageListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        images: QuerySet[ClinicalImage] = (
            images_visible_to(request.user)
            .filter(patient=patient, **filters.validated_data)
            .select_related("patient", "captured_by", "uploaded_by")
        )
        paginator = ImagePagination()
        page = paginator.paginate_queryset(images, request, view=self)
        view_gallery(
            actor=acting_user(request),
            patient=patient,
            images=page or [],
            request=request._request,
        )
        return paginator.get_paginated_response(ImageSerializer(page, many=True).data)

    @extend_schema(
        summary="Store a photo in the patient's record",
        description=(
            "Validates, hashes, encrypts, stores and audits in one transaction, then "
            "answers 201 with the receipt. A replayed Idempotency-Key answers 200 with "
            "the original receipt."
        ),
        request={"multipart/form-data": ImageUploadSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: ReceiptSerializer,
            200: OpenApiResponse(ReceiptSerializer, description="A replay."),
            **ERRORS,
        },
    )
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = _patient_for(request.user, patient_id)
        # Reviewers may see the patient but not add to the record: say so before parsing.
        if not may_capture(request.user):
            raise PermissionDenied("Your role may not add images to the record.")
        form = self.upload_serializer(data=request.data)
        # A time without an offset is read on the facility's clock (Perth is not Sydney).
        with timezone.override(ZoneInfo(patient.facility.time_zone)):
            form.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(form.validated_data)
        key = request.headers.get("Idempotency-Key", "").strip()
        # A session a hand-off bound to one patient (the phone's) stores for that patient
        # only, on this route as on the capture page's: capture_image checks it.
        binding = session_binding(request._request, request.user)
        result = capture_image(
            actor=acting_user(request),
            patient=patient,
            upload=data["file"],
            details=_details(data, key, binding),
            channel=self.channel,
            request=request._request,
        )
        # Reaching here means the transaction committed: the receipt is safe to give.
        return Response(
            ReceiptSerializer(result.image, context={"request": request}).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ImageDetail(APIView):
    @extend_schema(
        summary="An image's metadata, retention and hold",
        responses={200: ImageDetailSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, image_id: UUID) -> Response:
        image = image_for(request.user, image_id)
        view_image(
            actor=acting_user(request),
            image=image,
            what="metadata",
            request=request._request,
        )
        return Response(ImageDetailSerializer(image).data)


REVEAL_REASON = OpenApiParameter(
    "reason",
    str,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        "For a sensitive image only: why you need to see it unblurred. The reveal is "
        "audited with this reason. Without it a sensitive image's preview and "
        "thumbnail are blurred and its original is refused (403)."
    ),
)


def _revealed(request: Request, image: ClinicalImage) -> bool:
    """True unless the image is sensitive and the caller gave no reason to see it."""
    if not image.is_sensitive or is_revealed(request._request, image):
        return True
    reason = request.query_params.get("reason", "")
    if not reason.strip():
        return False
    try:
        reveal_sensitive(
            actor=acting_user(request),
            image=image,
            reason=reason,
            request=request._request,
        )
    except ImagingError as exc:
        raise PermissionDenied(exc.message) from exc
    return True


class ImageOriginal(APIView):
    @extend_schema(
        summary="The original's exact bytes (audited download)",
        parameters=[REVEAL_REASON],
        responses={**BINARY, 403: ErrorSerializer},
    )
    def get(self, request: Request, image_id: UUID) -> StreamingHttpResponse:
        image = image_for(request.user, image_id)
        if not _revealed(request, image):
            raise PermissionDenied(
                "This image is sensitive: say why you need it (?reason=...); "
                "the reason is recorded."
            )
        chunks = download_original(
            actor=acting_user(request), image=image, request=request._request
        )
        return protected_stream(
            chunks,
            content_type=image.content_type,
            filename=original_filename(image),
            size=image.size_bytes,
        )


class ImageDerivative(APIView):
    kind = Derivative.Kind.PREVIEW

    def get(self, request: Request, image_id: UUID) -> HttpResponse:
        image = image_for(request.user, image_id)
        derivative = derivative_of(image, self.kind)
        if derivative is None:
            raise Http404(f"The {self.kind} is not ready yet; try again shortly.")
        _revealed(request, image)
        if self.kind == Derivative.Kind.PREVIEW:
            view_image(
                actor=acting_user(request),
                image=image,
                what="preview",
                request=request._request,
            )
        return protected_bytes(
            for_display(request._request, image, derivative_bytes(derivative)),
            content_type="image/jpeg",
            filename=f"{image.public_id}-{self.kind}.jpg",
        )


@extend_schema(
    summary="A small JPEG for lists (no metadata)",
    parameters=[REVEAL_REASON],
    responses=BINARY,
)
class ImageThumbnail(ImageDerivative):
    kind = Derivative.Kind.THUMBNAIL


@extend_schema(
    summary="A screen-sized JPEG, upright, no metadata",
    parameters=[REVEAL_REASON],
    responses=BINARY,
)
class ImagePreview(ImageDerivative):
    kind = Derivative.Kind.PREVIEW
