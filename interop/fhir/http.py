"""What every FHIR endpoint shares: Bearer tokens, JSON negotiation and OperationOutcomes.

The tokens are the REST API's (POST /api/token/), checked by the same class, so they
expire and are refused for inactive users exactly as on /api/.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import AuthenticationFailed

from accounts.authentication import ExpiringTokenAuthentication
from accounts.throttling import AnonymousThrottle, PerUserThrottle
from common.errors import DomainError
from interop.fhir.errors import (
    NotAcceptable,
    NotAuthenticated,
    Throttled,
    operation_outcome,
)

FHIR_JSON = "application/fhir+json"
JSON_TYPES = frozenset({FHIR_JSON, "application/json", "json", "text/json"})
ANY_TYPES = frozenset({"*/*", "application/*"})

View = Callable[..., HttpResponseBase]


class BearerTokenAuthentication(ExpiringTokenAuthentication):
    """The API token, sent as `Authorization: Bearer <token>` (FHIR's convention)."""

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"


class RequestOnlySession(SessionBase):
    """A session that lives for one view call and is never stored nor sent as a cookie.

    FHIR clients are stateless: a session cookie kept by an EMR's shared HTTP client
    must never carry one user's reveal of a sensitive image into another's request.
    """

    def load(self) -> dict[str, Any]:
        return {}

    def exists(self, session_key: str) -> bool:
        return False

    def create(self) -> None:
        return

    def save(self, must_create: bool = False) -> None:
        return

    def delete(self, session_key: str | None = None) -> None:
        return


def media_types(value: str) -> list[str]:
    """The media types of an Accept header or _format value, parameters dropped."""
    kinds = (part.split(";")[0].strip().lower() for part in value.split(","))
    return [kind for kind in kinds if kind]


def wants_json(request: HttpRequest) -> bool:
    """True if the client asks for FHIR JSON by _format or by Accept (406 otherwise)."""
    asked = request.GET.get("_format", "")
    if asked:
        if JSON_TYPES & set(media_types(asked)):
            return True
        raise NotAcceptable("Only JSON is served: _format=json.")
    accept = media_types(request.headers.get("Accept", ""))
    if not accept or (JSON_TYPES | ANY_TYPES) & set(accept):
        return True
    raise NotAcceptable("Only FHIR JSON is served: Accept: application/fhir+json.")


def fhir_json(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    # Patient data: never kept by a shared cache or the browser.
    response["Cache-Control"] = "no-store, private"
    return response


def refusal(status: int, message: str) -> HttpResponse:
    response = fhir_json(operation_outcome(status, message), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def _refuse_if_too_fast(request: HttpRequest) -> None:
    # The REST API's throttles and cache buckets: /fhir/ and /api/ share one budget per
    # user, and failed tokens count against the address, so tokens cannot be guessed
    # at speed (a valid token never spends the address's budget).
    throttle = (
        PerUserThrottle() if request.user.is_authenticated else AnonymousThrottle()
    )
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        raise Throttled("Too many requests: slow down and try again shortly.")


def authenticate(request: HttpRequest) -> None:
    """Set request.user from the Bearer token; 401 without a valid one, 429 if too fast."""
    try:
        found = BearerTokenAuthentication().authenticate(request)
    except AuthenticationFailed as exc:
        found, failure = None, str(exc.detail)
    else:
        failure = "Send Authorization: Bearer <API token>."
    if found is None:
        request.user = AnonymousUser()
        _refuse_if_too_fast(request)
        raise NotAuthenticated(failure)
    request.user = found[0]
    _refuse_if_too_fast(request)


def fhir_endpoint(*, public: bool = False) -> Callable[[View], View]:
    """Authenticate, then answer every refusal as an OperationOutcome with its 4xx."""

    def decorate(view: View) -> View:
        # No cookies are read (Bearer only), so there is no CSRF to guard against; the
        # exemption lets a write be answered 405 as FHIR rather than Django's 403 page.
        @csrf_exempt
        @wraps(view)
        def wrapped(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            # The cookie session and its user are put back for the middleware: the
            # token's user must not be stamped into a browser session on the way out.
            kept_user, kept_session = request.user, request.session
            request.session = RequestOnlySession()
            try:
                # Not HEAD: it would audit a download that sends nothing.
                if request.method != "GET":
                    return refusal(405, "This server only reads: use GET.")
                if not public:
                    authenticate(request)
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return refusal(exc.status_code, exc.message)
            except Http404 as exc:
                return refusal(404, str(exc) or "Not found.")
            except PermissionDenied as exc:
                return refusal(403, str(exc) or "Not allowed.")
            finally:
                request.user, request.session = kept_user, kept_session

        return wrapped

    return decorate
