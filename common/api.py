"""The API's error shape as documented in the schema (accounts.api makes the answers)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

FIELDS_INVALID = "Some fields are not valid; see the messages for each field."


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal: a sentence in detail, and per-field messages where they apply."""

    detail = serializers.CharField()
    existing_id = serializers.UUIDField(
        required=False, help_text="On 409: the image already holding these bytes."
    )


def refusals(codes: dict[int, str]) -> dict[int, OpenApiResponse]:
    """Documented refusals for a schema, each answering {"detail": ...} (and fields)."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=text)
        for code, text in codes.items()
    }
