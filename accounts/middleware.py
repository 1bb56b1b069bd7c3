"""Request-wide defences: sign-in throttling, session lifetime, the MFA gate, headers."""

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from accounts.clientip import client_ip
from accounts.mfa import has_confirmed_device, mfa_required_for
from accounts.oidc_accounts import PROVIDER_MFA
from accounts.reauth import mark_recently_authenticated
from accounts.throttling import login_attempt_allowed

View = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "custodian_signed_in_at"
THROTTLED_MESSAGE = (
    "Too many sign-in attempts from here or for this account. "
    "Wait a minute and try again."
)
# Pages an unverified privileged user may still reach: signing in, out and MFA itself.
MFA_OPEN_URL_NAMES = frozenset(
    {"login", "logout", "healthz", "readyz", "auth:mfa-enrol", "auth:mfa-verify"}
)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class LoginThrottleMiddleware:
    """Answers 429 to sign-in attempts beyond the per-address and per-username budgets."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in (
            reverse("login"),
            reverse("auth:token"),
        ):
            username = _attempted_username(request)
            if not login_attempt_allowed(ip=client_ip(request), username=username):
                return _throttled(request)
        return self.get_response(request)


def _attempted_username(request: HttpRequest) -> str:
    # Django caches what is parsed here, and DRF reuses request.POST once it has been read.
    try:
        if request.content_type == "application/json":
            body = json.loads(request.body or b"{}")
            return str(body.get("username", "")) if isinstance(body, dict) else ""
        return str(request.POST.get("username", ""))
    except (
        ValueError,
        MultiPartParserError,
        RawPostDataException,
        RequestDataTooBig,
        UnreadablePostError,
    ):
        return ""


def _throttled(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": THROTTLED_MESSAGE}, status=429)
    else:
        response = render(
            request,
            "registration/throttled.html",
            {"message": THROTTLED_MESSAGE},
            status=429,
        )
    response["Retry-After"] = "60"
    return response


class SessionLifetimeMiddleware:
    """Ends a session CUSTODIAN_SESSION_MAX_HOURS after sign-in, however active it is."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            limit = settings.CUSTODIAN_SESSION_MAX_HOURS * 3600
            if started is not None and time.time() - float(started) > limit:
                logout(request)
                if _wants_json(request):
                    return JsonResponse(
                        {"detail": "Your session has ended: sign in again."}, status=401
                    )
                return redirect(
                    f"{reverse('login')}?{urlencode({'next': request.path})}"
                )
        response = self.get_response(request)
        # Stamped after the view, so the sign-in request itself starts the clock.
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            request.session[SIGNED_IN_AT] = time.time()
            # Typing the password to sign in is itself a recent authentication.
            mark_recently_authenticated(request)
        return response


class MultiFactorMiddleware:
    """Sends privileged users to enrol or verify before any other page answers."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and mfa_required_for(user)
            # The identity provider's MFA (amr) stands in for the local code.
            and not request.session.get(PROVIDER_MFA)
            and not _is_open(request)
        ):
            if _wants_json(request):
                return JsonResponse(
                    {"detail": "Confirm your one-time code before using the API."},
                    status=403,
                )
            enrolled = has_confirmed_device(user)
            step = "auth:mfa-verify" if enrolled else "auth:mfa-enrol"
            return redirect(
                f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)


def _is_open(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return match.view_name in MFA_OPEN_URL_NAMES


class PermissionsPolicyMiddleware:
    """Browser features off everywhere; the camera only on the capture pages."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        camera = (
            "(self)"
            if request.path.startswith(tuple(settings.CUSTODIAN_CAMERA_PATHS))
            else "()"
        )
        response.setdefault(
            "Permissions-Policy",
            f"camera={camera}, microphone=(), geolocation=(), payment=(), usb=()",
        )
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
