"""One error shape for every refusal: {"detail": ..., <field>: [...]} with a 4xx status."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from imaging.exceptions import DuplicateImage, ImagingError
from imaging.serializers import ErrorSerializer

FIELDS_INVALID = "Some fields are not valid; see the messages for each field."


def refusals(codes: dict[int, str]) -> dict[int, OpenApiResponse]:
    """Documented refusals for a schema, each answering {"detail": ...} (and fields)."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=text)
        for code, text in codes.items()
    }


def imaging_error_response(exc: ImagingError) -> Response:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body[exc.field] = [exc.message]
    if isinstance(exc, DuplicateImage):
        body["existing_id"] = exc.existing_public_id
    return Response(body, status=exc.status_code)


# Turns domain failures into clear 4xx answers and gives field errors a detail. (A comment,
# not a docstring: the API schema would show a docstring as every subclass's description.)
class CustodianAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ImagingError):
            return imaging_error_response(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.ValidationError) and isinstance(
            response.data, dict
        ):
            response.data = {"detail": FIELDS_INVALID, **response.data}
            response.status_code = status.HTTP_400_BAD_REQUEST
        return response
