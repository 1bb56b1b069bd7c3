"""Re-authentication before grave acts: exports, disposal approvals, rule changes.

Apply @require_recent_authentication to a view, or RecentlyAuthenticated to an API view: a
user who has not typed their password (and, where required, a one-time code) in the last
CUSTODIAN_REAUTH_MINUTES is sent to /accounts/reauth/ and brought back afterwards.
"""

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import ApiToken

REAUTHENTICATED_AT = "custodian_reauthenticated_at"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def mark_recently_authenticated(request: HttpRequest) -> None:
    """Record that the user just proved who they are (sign-in or the re-auth page)."""
    request.session[REAUTHENTICATED_AT] = time.time()


def recently_authenticated(request: HttpRequest, *, minutes: int | None = None) -> bool:
    """True if the user proved who they are within the last few minutes."""
    window = (minutes or settings.CUSTODIAN_REAUTH_MINUTES) * 60
    stamp = request.session.get(REAUTHENTICATED_AT)
    return stamp is not None and time.time() - float(stamp) <= window


def require_recent_authentication(
    view: ViewFunc | None = None, *, minutes: int | None = None
) -> Any:
    """Decorator: the view runs only for a user who re-authenticated within `minutes`."""

    def decorate(func: ViewFunc) -> ViewFunc:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if recently_authenticated(request, minutes=minutes):
                return func(request, *args, **kwargs)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Confirm your password at /accounts/reauth/ first."},
                    status=403,
                )
            # Only GET targets come back: a replayed POST would act without the form.
            target = request.get_full_path() if request.method == "GET" else "/"
            query = urlencode({"next": target})
            return redirect(f"{reverse('auth:reauth')}?{query}")

        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate


class RecentlyAuthenticated(BasePermission):
    """DRF permission for grave acts: a fresh session proof, or a token issued just now.

    A token is only issued for the password (and the code, where MFA applies), so its age
    is how long ago the caller last proved who they are.
    """

    message = "Confirm who you are first: sign in again or request a new token."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, ApiToken):
            window = timedelta(minutes=settings.CUSTODIAN_REAUTH_MINUTES)
            return bool(request.auth.created >= timezone.now() - window)
        return recently_authenticated(request._request)
