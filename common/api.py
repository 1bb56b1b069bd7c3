"""One error shape for every refusal: {"detail": ..., <field>: [...]} with a 4xx status."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import DomainError

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


def domain_error_response(exc: DomainError) -> Response:
    return Response(exc.body(), status=exc.status_code)


# Turns domain failures into clear 4xx answers and gives field errors a detail. (A comment,
# not a docstring: the API schema would show a docstring as every subclass's description.)
class CustodianAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DomainError):
            return domain_error_response(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.ValidationError) and isinstance(
            response.data, dict
        ):
            response.data = {"detail": FIELDS_INVALID, **response.data}
            response.status_code = status.HTTP_400_BAD_REQUEST
        return response
