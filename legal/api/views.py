"""The legal API: matters, exports and holds (DESIGN.md §6)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import may_manage_legal_holds
from accounts.reauth import RecentlyAuthenticated
from legal import selectors, services
from legal.holds import release_legal_hold
from legal.models import LegalHold, LegalMatter
from legal.views import bundle_response


class MatterIn(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=LegalMatter.Kind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    court_or_body = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    patients = serializers.ListField(child=serializers.UUIDField(), default=list)
    images = serializers.ListField(child=serializers.UUIDField(), default=list)
    scope_from = serializers.DateField(required=False, allow_null=True, default=None)
    scope_to = serializers.DateField(required=False, allow_null=True, default=None)


class ExportIn(serializers.Serializer[dict[str, Any]]):
    numbering = serializers.ChoiceField(choices=["court", "bates"], default="court")
    prefix = serializers.CharField(required=False, allow_blank=True, default="")


class ReleaseIn(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField()


def _export_json(bundle: Any) -> dict[str, Any]:
    return {
        "id": str(bundle.public_id),
        "matter": str(bundle.matter.public_id),
        "status": bundle.status,
        "progress": bundle.progress,
        "images_done": bundle.images_done,
        "images_total": bundle.images_total,
        "sha256": bundle.sha256 or None,
        "size": bundle.size_bytes or None,
        "expires_at": bundle.expires_at.isoformat() if bundle.expires_at else None,
        "download_count": bundle.download_count,
    }


def _hold_json(hold: LegalHold) -> dict[str, Any]:
    return {
        "id": str(hold.public_id),
        "matter": hold.matter.reference if hold.matter else None,
        "reason": hold.reason,
        "placed_by": hold.placed_by.get_username(),
        "placed_at": hold.placed_at.isoformat(),
        "active": hold.is_active,
        "released_at": hold.released_at.isoformat() if hold.released_at else None,
        "release_reason": hold.release_reason,
    }


@extend_schema(request=MatterIn, responses={201: OpenApiTypes.OBJECT})
@api_view(["POST"])
def matters(request: Request) -> Response:
    data = MatterIn(data=request.data)
    data.is_valid(raise_exception=True)
    matter = services.open_matter(
        actor=request.user,  # type: ignore[arg-type]
        request=request._request,
        **data.validated_data,
    )
    return Response({"id": str(matter.public_id)}, status=status.HTTP_201_CREATED)


@extend_schema(request=ExportIn, responses={202: OpenApiTypes.OBJECT})
@api_view(["POST"])
@permission_classes([IsAuthenticated, RecentlyAuthenticated])
def matter_exports(request: Request, public_id: str) -> Response:
    data = ExportIn(data=request.data or {})
    data.is_valid(raise_exception=True)
    matter = selectors.matter_for(request.user, public_id)
    bundle = services.request_export(
        actor=request.user,  # type: ignore[arg-type]
        matter=matter,
        numbering=data.validated_data["numbering"],
        prefix=data.validated_data["prefix"],
        request=request._request,
    )
    bundle.refresh_from_db()
    return Response(_export_json(bundle), status=status.HTTP_202_ACCEPTED)


@extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def export_detail(request: Request, public_id: str) -> Response:
    return Response(_export_json(selectors.export_for(request.user, public_id)))


@extend_schema(request=None, responses={(200, "application/zip"): OpenApiTypes.BINARY})
@api_view(["GET"])
def export_download(request: Request, public_id: str) -> HttpResponseBase:
    bundle = selectors.export_for(request.user, public_id)
    return bundle_response(request, bundle)


@extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def holds(request: Request) -> Response:
    if not may_manage_legal_holds(request.user):
        raise PermissionDenied("Only legal officers and records managers see holds.")
    found = selectors.holds_visible_to(request.user)
    return Response({"results": [_hold_json(h) for h in found]})


@extend_schema(request=ReleaseIn, responses={200: OpenApiTypes.OBJECT})
@api_view(["POST"])
def hold_release(request: Request, public_id: str) -> Response:
    hold = selectors.hold_for(request.user, public_id)
    released = release_legal_hold(
        actor=request.user,  # type: ignore[arg-type]
        hold=hold,
        reason=str(
            request.data.get("reason", "") if isinstance(request.data, Mapping) else ""
        ),
        request=request._request,
    )
    return Response(_hold_json(released))
