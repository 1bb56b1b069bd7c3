"""API errors, one shape for every app: {"detail": ..., <field>: [...]} with a 4xx status.

The only mapper of failures to answers (REST_FRAMEWORK["EXCEPTION_HANDLER"]): domain
failures (common.errors.DomainError and its subclasses in every app) keep their status,
message and field; Django's PermissionDenied and Http404 keep their message; field
errors are lists, under a detail sentence; a dependency that is down (database, object
store, broker) is a 503 with Retry-After; anything unexpected is a plain 500 with no
stack trace or internal name.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from common.api import FIELDS_INVALID
from common.errors import DomainError
from common.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE, is_unavailable

logger = logging.getLogger("custodian.api")

INTERNAL_ERROR = "Something went wrong on our side. Nothing was changed; try again."


def _as_drf(exc: Exception) -> Exception:
    """Django's own failures as DRF's, keeping the message the service gave."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        return exceptions.PermissionDenied(detail=str(exc))
    if isinstance(exc, Http404) and str(exc):
        return exceptions.NotFound(detail=str(exc))
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain failures, a detail on field errors and a plain 500."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(exc.body(), status=exc.status_code)
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None and is_unavailable(exc):
        # A dependency is down: nothing was kept, and the same request may succeed.
        logger.warning("API request refused: a dependency is unavailable", exc_info=exc)
        set_rollback()
        return unavailable_response()
    if response is None:
        # Logged in full for us; the client learns only that it failed.
        logger.exception("Unhandled API error", exc_info=exc)
        set_rollback()
        return Response({"detail": INTERNAL_ERROR}, status=500)
    if isinstance(exc, exceptions.ValidationError):
        response.data = _with_detail(response.data)
    return response


def unavailable_response() -> Response:
    """503 with Retry-After: what a client is told while a dependency is down."""
    return Response(
        {"detail": UNAVAILABLE},
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _with_detail(data: Any) -> dict[str, Any]:
    # DESIGN.md §6: every error carries a "detail", field errors alongside it as lists.
    if isinstance(data, dict):
        return data if "detail" in data else {"detail": FIELDS_INVALID, **data}
    return {
        "detail": " ".join(str(item) for item in data)
        if isinstance(data, list)
        else str(data)
    }
