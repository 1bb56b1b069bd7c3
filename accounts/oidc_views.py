"""Sign-in pages for the identity provider: start, come back, sign out, renew.

Every failure is a page in the site's frame: a refusal says why (403), an unreachable
provider says so and points to the break-glass sign-in (503); neither is ever a 500.
"""

import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    get_next_url,
)

from accounts.lockout import remember_device
from accounts.middleware import View
from accounts.oidc import (
    BACKEND_PATH,
    ProviderUnavailable,
    endpoint,
    is_configured,
    provider_configuration,
)
from accounts.oidc_accounts import (
    PROVIDER_MFA,
    REAUTH_ASKED_AT,
    REFRESH_TOKEN,
    RENEW_AT,
    SignInRefused,
    end_provider_session,
    record_refusal,
)
from accounts.reauth import mark_recently_authenticated

ID_TOKEN = "oidc_id_token"  # noqa: S105 - the library's session key
# When the provider is unreachable during a session check, ask again after this long.
RETRY_SECONDS = 60


def unavailable(request: HttpRequest) -> HttpResponse:
    context = {"provider": settings.CUSTODIAN_OIDC_NAME}
    return render(request, "registration/oidc_unavailable.html", context, status=503)


def refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    record_refusal(
        refusal=refusal, issuer=settings.CUSTODIAN_OIDC_ISSUER, request=request
    )
    context = {"message": refusal.message, "provider": settings.CUSTODIAN_OIDC_NAME}
    return render(request, "registration/oidc_refused.html", context, status=403)


class LoginView(auth_views.LoginView):
    """Django's sign-in page with the identity provider's button first."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["oidc_enabled"] = is_configured()
        context["oidc_name"] = settings.CUSTODIAN_OIDC_NAME
        context["local_login"] = settings.CUSTODIAN_LOCAL_LOGIN or not is_configured()
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # This browser may now sign in even while the username is guessed at elsewhere.
        remember_device(self.request, response, form.get_user())
        return response


class AuthenticateView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider (PKCE S256, state and nonce in the session)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the authorization endpoint here; ours comes from discovery.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.CUSTODIAN_OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_configured():
            raise Http404("No identity provider is configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("authorization_endpoint")
        except ProviderUnavailable:
            if request.GET.get("prompt") == "none" and request.user.is_authenticated:
                # A session check during an outage: the session stands for now.
                request.session[RENEW_AT] = time.time() + RETRY_SECONDS
                return redirect(get_next_url(request, "next") or "/")
            return unavailable(request)
        response: HttpResponse = super().get(request)
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # A session check asks the provider not to show anything (OIDC Core §3.1.2.1).
        if request.GET.get("prompt") == "none":
            return {"prompt": "none"}
        if request.GET.get("reauth") == "1" and request.user.is_authenticated:
            # Before a grave act: the provider must ask for the credentials again.
            request.session[REAUTH_ASKED_AT] = time.time()
            return {"prompt": "login", "max_age": "0"}
        return {}


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the provider sends the browser back with a code, or with an error."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_configured():
            raise Http404("No identity provider is configured.")
        state = request.GET.get("state", "")
        if request.GET.get("error"):
            return self._provider_said_no(request)
        if state not in request.session.get("oidc_states", {}):
            # Forged, replayed, or from another browser: the library would only
            # redirect; a person deserves to know, and the trail to record it.
            return refused(
                request,
                SignInRefused(
                    "state",
                    "This sign-in link was not started here, or was already used. "
                    "Start again from the sign-in page.",
                ),
            )
        try:
            response: HttpResponse = super().get(request)
        except SignInRefused as refusal:
            return refused(request, refusal)
        except ProviderUnavailable:
            return unavailable(request)
        return response

    def _provider_said_no(self, request: HttpRequest) -> HttpResponse:
        states = request.session.get("oidc_states", {})
        states.pop(request.GET.get("state", ""), None)
        request.session["oidc_states"] = states
        user = request.user
        if isinstance(user, User) and request.session.get(BACKEND_SESSION_KEY) == (
            BACKEND_PATH
        ):
            # A silent session check (prompt=none) the provider would not answer.
            end_provider_session(
                user=user,
                issuer=settings.CUSTODIAN_OIDC_ISSUER,
                reason=str(request.GET.get("error"))[:100],
                disable=False,
                request=request,
            )
            auth.logout(request)
            messages.info(
                request,
                f"Your session with {settings.CUSTODIAN_OIDC_NAME} has ended: "
                "sign in again.",
            )
            return redirect("login")
        return refused(
            request,
            SignInRefused(
                "provider_error", "The identity provider did not sign you in."
            ),
        )

    def login_failure(self) -> HttpResponse:
        # The provider vouched for the user, but Custodian's own checks said no
        # (a locked-out address, an inactive account).
        return refused(
            self.request,
            SignInRefused("not_signed_in", "Custodian could not sign you in."),
        )

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        session = self.request.session
        session[RENEW_AT] = time.time() + settings.CUSTODIAN_OIDC_RENEW_MINUTES * 60
        signed_in = getattr(self.request, "custodian_signed_in", None)
        asked_at = session.pop(REAUTH_ASKED_AT, None)
        if signed_in is not None:
            session[PROVIDER_MFA] = signed_in.has_provider_mfa
            if asked_at and signed_in.authenticated_at >= float(asked_at) - 5:
                # The provider asked for the credentials again just now (auth_time).
                mark_recently_authenticated(self.request)
            if signed_in.unknown_codes:
                messages.warning(
                    self.request,
                    "Your identity provider lists workplaces Custodian does not know: "
                    f"{', '.join(signed_in.unknown_codes)}. They were not added; "
                    "the administrators have been told.",
                )
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, then at the provider too (RP-initiated logout) if it signed in."""
    id_token = request.session.get(ID_TOKEN)
    by_provider = request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH
    auth.logout(request)
    if not (by_provider and id_token and is_configured()):
        return redirect("login")
    try:
        end_session = provider_configuration().get("end_session_endpoint")
    except ProviderUnavailable:
        end_session = None
    if not isinstance(end_session, str):
        return redirect("login")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.CUSTODIAN_OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return redirect(f"{end_session}?{query}")


def _refresh(refresh_token: str) -> dict[str, Any] | None:
    """New tokens for the session, None if the provider refuses; raises if unreachable."""
    try:
        answer = requests.post(
            endpoint("token_endpoint"),
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": settings.CUSTODIAN_OIDC_CLIENT_ID,
                "client_secret": settings.CUSTODIAN_OIDC_CLIENT_SECRET,
            },
            timeout=settings.CUSTODIAN_OIDC_TIMEOUT,
        )
    except requests.RequestException as failure:
        raise ProviderUnavailable(str(failure)) from failure
    if answer.status_code in (400, 401):
        return None
    if answer.status_code != 200:
        raise ProviderUnavailable(f"token endpoint answered {answer.status_code}")
    try:
        found: dict[str, Any] = answer.json()
    except ValueError as failure:
        raise ProviderUnavailable("token endpoint answered nonsense") from failure
    return found


class ProviderSessionMiddleware:
    """Asks the provider again every CUSTODIAN_OIDC_RENEW_MINUTES whether a session holds.

    With a refresh token the check is a back-channel call and a refusal (the user was
    disabled or deleted at the provider) ends the session and disables the account at
    once; without one, a page view goes through the provider with prompt=none.
    """

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._check(request)
        if is_configured():
            # Signing out posts a form that ends at the provider (RP-initiated logout);
            # CSP's form-action covers the redirect too, so the provider is allowed.
            origin = "{0.scheme}://{0.netloc}".format(
                urlsplit(settings.CUSTODIAN_OIDC_ISSUER)
            )
            update: dict[str, Any] = getattr(response, "_csp_update", None) or {}
            update["form-action"] = [*update.get("form-action", []), origin]
            response._csp_update = update  # type: ignore[attr-defined]
        return response

    def _check(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is None
            or not isinstance(user, User)
            or session.get(BACKEND_SESSION_KEY) != BACKEND_PATH
            or float(session.get(RENEW_AT, 0)) > time.time()
            or request.path.startswith("/oidc/")
        ):
            return self.get_response(request)
        refresh_token = session.get(REFRESH_TOKEN)
        if refresh_token:
            try:
                tokens = _refresh(refresh_token)
            except ProviderUnavailable:
                # An outage must not end every clinician's session mid-shift; the check
                # runs again shortly and a leaver is caught once the provider answers.
                session[RENEW_AT] = time.time() + RETRY_SECONDS
                return self.get_response(request)
            if tokens is None:
                return self._end(request, user)
            session[REFRESH_TOKEN] = tokens.get("refresh_token", refresh_token)
            if tokens.get("id_token"):
                session[ID_TOKEN] = tokens["id_token"]
            session[RENEW_AT] = time.time() + settings.CUSTODIAN_OIDC_RENEW_MINUTES * 60
            return self.get_response(request)
        if request.method == "GET" and not request.path.startswith("/api/"):
            query = urlencode({"prompt": "none", "next": request.get_full_path()})
            return redirect(f"{reverse('oidc_authentication_init')}?{query}")
        return self.get_response(request)

    def _end(self, request: HttpRequest, user: User) -> HttpResponse:
        end_provider_session(
            user=user,
            issuer=settings.CUSTODIAN_OIDC_ISSUER,
            reason="refresh_refused",
            disable=True,
            request=request,
        )
        auth.logout(request)
        message = (
            f"{settings.CUSTODIAN_OIDC_NAME} no longer signs you in: "
            "your Custodian session has ended."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect("login")
