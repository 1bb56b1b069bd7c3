"""Pages for the second factor and for re-authentication."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from accounts import mfa
from accounts.acting import acting_user
from accounts.oidc import BACKEND_PATH as OIDC_BACKEND
from accounts.reauth import mark_recently_authenticated, require_recent_authentication
from audit.services import Action, record_event


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Six-digit code",
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Show the QR code of a new authenticator and confirm it with its first code."""
    user = acting_user(request)
    if mfa.has_confirmed_device(user):
        return redirect("auth:mfa-verify")
    device = mfa.pending_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if mfa.confirm_enrolment(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        ):
            otp_login(request, device)
            mark_recently_authenticated(request)
            return redirect(_next(request))
        form.add_error(
            "code", "That code did not match. Check the app's clock and try again."
        )
    context = {
        "form": form,
        "qr": mfa.qr_code_data_uri(device),
        "secret": mfa.manual_secret(device),
        "next": _next(request),
    }
    return render(request, "registration/mfa_enrol.html", context)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code from the user's authenticator app."""
    user = acting_user(request)
    if not mfa.has_confirmed_device(user):
        return redirect("auth:mfa-enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = mfa.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            mark_recently_authenticated(request)
            return redirect(_next(request))
        record_event(actor=user, action=Action.MFA_FAILED, request=request)
        form.add_error(
            "code", "That code did not match. Wait for the next one and try again."
        )
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm the password (and code, where required) before a grave act."""
    user = acting_user(request)
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        # No Custodian password: the identity provider asks for the credentials again.
        query = urlencode({"reauth": "1", "next": _next(request)})
        return redirect(f"{reverse('oidc_authentication_init')}?{query}")
    needs_code = mfa.mfa_required_for(user)
    form = PasswordForm(request.POST or None)
    if form.is_valid():
        same = authenticate(
            request,
            username=user.get_username(),
            password=form.cleaned_data["password"],
        )
        code_ok = not needs_code or mfa.verify_code(user, form.cleaned_data["code"])
        if same is not None and same.pk == user.pk and code_ok:
            mark_recently_authenticated(request)
            record_event(actor=user, action=Action.REAUTHENTICATED, request=request)
            return redirect(_next(request))
        form.add_error(None, "That did not match. Try again.")
    context = {"form": form, "needs_code": needs_code, "next": _next(request)}
    return render(request, "registration/reauth.html", context)


@login_required
@require_recent_authentication
def account_security(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in settings: shown only after a fresh password check."""
    user = acting_user(request)
    context = {
        "has_device": mfa.has_confirmed_device(user),
        "mfa_required": mfa.mfa_required_for(user),
    }
    return render(request, "registration/account_security.html", context)
