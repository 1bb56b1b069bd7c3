"""API for teaching/publication exports: the de-identified ZIP, built in the request."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.acting import acting_user
from accounts.permissions import may_export_for_teaching
from accounts.reauth import RecentlyAuthenticated
from imaging.teaching.export import PURPOSES, export_for_teaching
from records.selectors import patient_for
from vault.responses import protected_bytes


class TeachingExportIn(serializers.Serializer[Any]):
    purpose = serializers.ChoiceField(choices=list(PURPOSES.items()))
    images = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)
    include_sensitive = serializers.BooleanField(default=False)


class TeachingExportRefused(serializers.Serializer[Any]):
    detail = serializers.CharField()
    refused_images = serializers.ListField(
        child=serializers.UUIDField(), required=False
    )


REFUSED = OpenApiResponse(TeachingExportRefused)


class TeachingExportView(APIView):
    """Download a de-identified set of the patient's chosen images (grave: re-auth)."""

    permission_classes = [IsAuthenticated, RecentlyAuthenticated]

    @extend_schema(
        request=TeachingExportIn,
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            400: OpenApiTypes.OBJECT,
            403: REFUSED,
            404: REFUSED,
            409: REFUSED,
        },
    )
    def post(self, request: Request, patient_id: str) -> HttpResponseBase:
        user = acting_user(request)
        patient = patient_for(user, patient_id)
        if not may_export_for_teaching(user):
            raise PermissionDenied("Your role does not export images for teaching.")
        data = TeachingExportIn(data=request.data)
        data.is_valid(raise_exception=True)
        made = export_for_teaching(
            actor=user,
            patient=patient,
            image_ids=[str(i) for i in data.validated_data["images"]],
            purpose=data.validated_data["purpose"],
            include_sensitive=data.validated_data["include_sensitive"],
            request=request._request,
        )
        return protected_bytes(
            made.data,
            content_type="application/zip",
            filename=made.filename,
            inline=False,
        )
