"""API errors: always JSON {"detail": ...}, never a stack trace or an internal name."""

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("custodian.api")

INTERNAL_ERROR = "Something went wrong on our side. Nothing was changed; try again."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a detail on field errors and a plain 500 for the unexpected."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Logged in full for us; the client learns only that it failed.
        logger.exception("Unhandled API error", exc_info=exc)
        set_rollback()
        return Response({"detail": INTERNAL_ERROR}, status=500)
    if isinstance(exc, ValidationError):
        response.data = _with_detail(response.data)
    return response


def _with_detail(data: Any) -> dict[str, Any]:
    # DESIGN.md §6: every error carries a "detail", field errors alongside it.
    if isinstance(data, dict):
        return (
            {"detail": "The request is not valid.", **data}
            if "detail" not in data
            else data
        )
    return {
        "detail": " ".join(str(item) for item in data)
        if isinstance(data, list)
        else str(data)
    }
