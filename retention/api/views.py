"""Retention as a service (DESIGN.md §9): the rules, and the date they give stated facts."""

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from accounts.permissions import may_manage_retention
from records.models import Jurisdiction, RecordClass, Sector
from retention.models import RetentionRule
from retention.preview import preview_retention


class RuleSerializer(serializers.ModelSerializer[RetentionRule]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "name",
            "jurisdiction",
            "sector",
            "record_class",
            "applies_to",
            "trigger",
            "years",
            "second_trigger",
            "second_years",
            "combine",
            "sample_one_in",
            "citation",
            "instrument",
            "class_ref",
            "needs_verification",
            "version",
        ]
        read_only_fields = fields


class PreviewQuerySerializer(serializers.Serializer[Any]):
    jurisdiction = serializers.ChoiceField(choices=Jurisdiction.choices)
    sector = serializers.ChoiceField(choices=Sector.choices)
    record_class = serializers.ChoiceField(
        choices=RecordClass.choices, default=RecordClass.ADMITTED
    )
    date_of_birth = serializers.DateField(required=False, default=None)
    first_service = serializers.DateField(required=False, default=None)
    last_service = serializers.DateField(required=False, default=None)
    date_of_death = serializers.DateField(required=False, default=None)


class PreviewSerializer(serializers.Serializer[Any]):
    retain_until = serializers.DateField(allow_null=True)
    basis = serializers.CharField()
    rules = RuleSerializer(many=True)


def _records_manager(request: Request) -> None:
    if not may_manage_retention(acting_user(request)):
        raise PermissionDenied("Only records managers see the retention rules.")


@extend_schema(parameters=[], responses={200: RuleSerializer(many=True)})
@api_view(["GET"])
def retention_rules(request: Request) -> Response:
    """GET /api/retention-rules/: the active rules (jurisdiction, sector may filter)."""
    _records_manager(request)
    rules = RetentionRule.objects.filter(is_active=True)
    for field in ("jurisdiction", "sector", "record_class"):
        if value := request.query_params.get(field):
            rules = rules.filter(**{f"{field}__in": [value, ""]})
    return Response(RuleSerializer(rules, many=True).data)


@extend_schema(parameters=[PreviewQuerySerializer], responses={200: PreviewSerializer})
@api_view(["GET"])
def retention_preview(request: Request) -> Response:
    """GET /api/retention/preview/: retain_until (null: kept), basis, rules applied."""
    _records_manager(request)
    query = PreviewQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    result = preview_retention(**query.validated_data)
    return Response(
        PreviewSerializer(
            {
                "retain_until": result.retain_until,
                "basis": result.basis,
                "rules": result.rules,
            }
        ).data
    )
