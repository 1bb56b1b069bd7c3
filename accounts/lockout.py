"""Who a run of failed sign-ins locks out, and what the locked-out person is told.

django-axes locks the (username, address) pair. Guessing one username from many
addresses meets a slower limit here: once a username's failures from every address add up
to CUSTODIAN_LOGIN_FAILURE_LIMIT_PER_USERNAME within the cool-off, only devices that
username has signed in from before (a signed "known device" cookie) may sign in to it.
So a stranger can slow a named clinician's sign-in from new devices, never lock her out
of the ward computer she already uses (docs/security.md, issue 23.1).
"""

import hashlib
from enum import StrEnum
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from audit.services import Action, record_event

KNOWN_DEVICE_COOKIE = "custodian_known_device"
KNOWN_DEVICE_SALT = "accounts.lockout.known-device"
KNOWN_DEVICE_MAX_AGE = 365 * 24 * 3600
# A shared ward computer remembers this many accounts, most recent first.
KNOWN_DEVICE_ACCOUNTS = 30
LOCK_SCOPE = "custodian_lock_scope"


class LockScope(StrEnum):
    ADDRESS = "address"
    NEW_DEVICES = "new_devices"


LOCKED_MESSAGES = {
    LockScope.ADDRESS: (
        "Too many failed sign-in attempts: this account from this address is locked "
        "for {minutes} minutes. Try again later or ask an administrator to unlock it."
    ),
    LockScope.NEW_DEVICES: (
        "Too many failed sign-in attempts from several addresses: this account from "
        "new devices is locked for {minutes} minutes. A device you have signed in from "
        "before can still sign in; or ask an administrator to unlock it."
    ),
}


def _fingerprint(username: str) -> str:
    # Hashed, so the cookie on a shared computer does not list who uses it.
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def _known_accounts(request: HttpRequest) -> list[str]:
    try:
        value = request.get_signed_cookie(
            KNOWN_DEVICE_COOKIE, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_MAX_AGE
        )
    except (KeyError, BadSignature):
        return []
    return value.split(",") if value else []


def is_known_device(request: HttpRequest, username: str) -> bool:
    """True if this browser has signed in to this username before."""
    return _fingerprint(username) in _known_accounts(request)


def remember_device(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """Mark this browser as one the user signs in from (after a successful sign-in)."""
    mine = _fingerprint(user.get_username())
    others = [known for known in _known_accounts(request) if known != mine]
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        ",".join([mine, *others][:KNOWN_DEVICE_ACCOUNTS]),
        salt=KNOWN_DEVICE_SALT,
        max_age=KNOWN_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def failures_for_username(username: str) -> int:
    """Failed sign-ins for the username from every address within the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class NewDeviceLimitBackend:
    """Refuses new devices a username guessed at from many addresses; never authenticates.

    Listed after axes' backend, which has already refused a locked pair; raising
    PermissionDenied ends authenticate() and counts as a failure, as axes' refusal does.
    No get_user, on purpose: Django's force_login and session lookups take the first
    backend that has one, and this one can restore nobody.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not username:
            return
        if is_known_device(request, username):
            return
        limit = settings.CUSTODIAN_LOGIN_FAILURE_LIMIT_PER_USERNAME
        if failures_for_username(username) < limit:
            return
        setattr(request, LOCK_SCOPE, LockScope.NEW_DEVICES)
        # axes' middleware answers with the lockout page when this is set.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        record_event(
            actor=None,
            action=Action.LOCKED_OUT,
            request=request,
            detail={"username": username[:150], "scope": LockScope.NEW_DEVICES.value},
        )
        raise PermissionDenied(LOCKED_MESSAGES[LockScope.NEW_DEVICES])


@transaction.atomic
def unlock_sign_in(*, actor: User, attempts: QuerySet[AccessAttempt]) -> int:
    """Lift the locks these failed-attempt records hold; one audit event per pair."""
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied("Only administrators may unlock sign-in.")
    pairs = sorted(
        set(attempts.select_for_update().values_list("username", "ip_address")),
        key=lambda pair: (pair[0] or "", pair[1] or ""),
    )
    for username, address in pairs:
        record_event(
            actor=actor,
            action=Action.SIGN_IN_UNLOCKED,
            detail={"username": username or "", "ip_address": address or ""},
        )
    attempts.delete()
    return len(pairs)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """403 saying whether the account is locked from this address or from new devices."""
    scope = getattr(request, LOCK_SCOPE, LockScope.ADDRESS)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKED_MESSAGES[scope].format(minutes=minutes)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    context = {"cooloff_timedelta": f"{minutes} minutes", "message": message}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=403)
