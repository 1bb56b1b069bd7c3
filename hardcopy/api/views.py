"""The hard-copy API (DESIGN.md §6): same permissions and audit as the pages."""

from typing import Any
from uuid import UUID

from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from hardcopy import selectors, services
from hardcopy.exceptions import HardCopyNotFound
from hardcopy.models import HardCopy
from records.selectors import patients_visible_to
from vault.responses import protected_stream


class HardCopyRequestSerializer(serializers.Serializer[Any]):
    layout = serializers.ChoiceField(
        choices=HardCopy.Layout.choices, default=HardCopy.Layout.SINGLE
    )
    images = serializers.ListField(
        child=serializers.UUIDField(), required=False, allow_empty=False
    )


class HardCopyQueuedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=HardCopy.Status.choices)


class HardCopyFileSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    first_page = serializers.IntegerField()
    last_page = serializers.IntegerField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class HardCopyDetailSerializer(HardCopyQueuedSerializer):
    """Documents describe() for the OpenAPI schema."""

    origin = serializers.CharField()
    layout = serializers.CharField()
    patient = serializers.UUIDField()
    ward = serializers.CharField(allow_null=True)
    images = serializers.ListField(child=serializers.UUIDField())
    images_total = serializers.IntegerField()
    images_done = serializers.IntegerField()
    progress = serializers.IntegerField(min_value=0, max_value=100)
    pages = serializers.IntegerField()
    error = serializers.CharField()
    overdue = serializers.BooleanField()
    requested_at = serializers.DateTimeField()
    rendered_at = serializers.DateTimeField(allow_null=True)
    printed_at = serializers.DateTimeField(allow_null=True)
    filed_at = serializers.DateTimeField(allow_null=True)
    files = HardCopyFileSerializer(many=True)


def describe(copy: HardCopy) -> dict[str, Any]:
    """The API's view of a hard copy: status, progress and its PDF files."""
    files = [
        {
            "number": f.number,
            "first_page": f.first_page,
            "last_page": f.last_page,
            "sha256": f.sha256,
            "size": f.size_bytes,
            "url": reverse("hardcopies-api:pdf", args=[copy.public_id])
            + f"?file={f.number}",
        }
        for f in copy.files.filter(destroyed_at__isnull=True)
    ]
    return {
        "id": str(copy.public_id),
        "status": copy.status,
        "origin": copy.origin,
        "layout": copy.layout,
        "patient": str(copy.patient.public_id),
        "ward": copy.ward.code if copy.ward else None,
        "images": [str(pid) for pid in copy.images.values_list("public_id", flat=True)],
        "images_total": copy.images_total,
        "images_done": copy.images_done,
        "progress": copy.progress,
        "pages": copy.page_count,
        "error": copy.error,
        "overdue": copy.is_overdue,
        "requested_at": copy.requested_at.isoformat(),
        "rendered_at": copy.rendered_at.isoformat() if copy.rendered_at else None,
        "printed_at": copy.printed_at.isoformat() if copy.printed_at else None,
        "filed_at": copy.filed_at.isoformat() if copy.filed_at else None,
        "files": files,
    }


def _queued(copy: HardCopy) -> Response:
    copy.refresh_from_db()
    return Response(
        {"id": str(copy.public_id), "status": copy.status},
        status=status.HTTP_202_ACCEPTED,
    )


@extend_schema(
    request=HardCopyRequestSerializer, responses={202: HardCopyQueuedSerializer}
)
@api_view(["POST"])
def request_image_copy(request: Request, image_id: UUID) -> Response:
    """POST /api/images/{id}/hard-copy/ -> 202 {id, status}."""
    form = HardCopyRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    copy = services.request_hard_copy(
        actor=request.user,
        image_ids=[str(image_id)],
        layout=form.validated_data["layout"],
        request=request._request,
    )
    return _queued(copy)


@extend_schema(
    request=HardCopyRequestSerializer, responses={202: HardCopyQueuedSerializer}
)
@api_view(["POST"])
def request_patient_copy(request: Request, patient_id: UUID) -> Response:
    """POST /api/patients/{id}/hard-copy/ (images: a selection; none = all) -> 202."""
    form = HardCopyRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    patient = patients_visible_to(request.user).filter(public_id=patient_id).first()
    if patient is None:
        raise HardCopyNotFound("No such patient.")
    chosen = [str(pid) for pid in form.validated_data.get("images", [])]
    layout = form.validated_data["layout"]
    copy = (
        services.request_hard_copy(
            actor=request.user,
            image_ids=chosen,
            layout=layout,
            patient=patient,
            request=request._request,
        )
        if chosen
        else services.request_patient_hard_copy(
            actor=request.user,
            patient=patient,
            layout=layout,
            request=request._request,
        )
    )
    return _queued(copy)


@extend_schema(responses=HardCopyDetailSerializer)
@api_view(["GET"])
def hard_copy_detail(request: Request, copy_id: UUID) -> Response:
    """GET /api/hard-copies/{id}/: status (queued ... failed), progress and files."""
    copy = selectors.hard_copy_for(request.user, copy_id)
    return Response(describe(copy))


@extend_schema(
    parameters=[OpenApiParameter("file", int, description="PDF file number (1 first)")],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY},
)
@api_view(["GET"])
def hard_copy_pdf(request: Request, copy_id: UUID) -> Response | StreamingHttpResponse:
    """GET /api/hard-copies/{id}/pdf/?file=n: the PDF (file 1 by default), audited."""
    raw = request.query_params.get("file", "1")
    copy = selectors.hard_copy_for(request.user, copy_id)
    if not raw.isdigit() or int(raw) < 1:
        raise HardCopyNotFound("No such file.")
    pdf_file, chunks = services.download_hard_copy(
        actor=acting_user(request),
        hard_copy=copy,
        number=int(raw),
        request=request._request,
    )
    return protected_stream(
        chunks,
        content_type="application/pdf",
        filename=f"hard-copy-{copy.public_id}-{pdf_file.number}.pdf",
        size=pdf_file.size_bytes,
    )


@extend_schema(request=None, responses=HardCopyDetailSerializer)
@api_view(["POST"])
def hard_copy_filed(request: Request, copy_id: UUID) -> Response:
    """POST /api/hard-copies/{id}/filed/: the caller filed the printed copy."""
    copy = selectors.hard_copy_for(request.user, copy_id)
    copy = services.confirm_hard_copy_filed(
        actor=acting_user(request), hard_copy=copy, request=request._request
    )
    return Response(describe(copy))
