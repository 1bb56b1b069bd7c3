"""API tokens, one per device: issued at sign-in, listed and revoked by their owner.

Only a hash of each token is stored (django-rest-knox); the key is shown once, when issued.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import DEVICE_NAME_LENGTH, ApiToken
from accounts.permissions import may_manage_users
from audit.chain import clean_text
from audit.services import Action, record_event


def device_name(given: str, request: Any) -> str:
    """The name the client gave its device, else its User-Agent, cut to fit."""
    name = given.strip() or (request.META.get("HTTP_USER_AGENT", "") if request else "")
    return clean_text(name, DEVICE_NAME_LENGTH)


@transaction.atomic
def issue_api_token(
    *, user: User, device: str, request: Any = None
) -> tuple[ApiToken, str]:
    """Sign a device in: a new token beside the user's others; returns it and its key."""
    now = timezone.now()
    # Expired tokens go first, then the oldest live ones beyond the cap make room.
    ApiToken.objects.filter(user=user, expiry__lte=now).delete()
    live = ApiToken.objects.filter(user=user).order_by("-created", "-pk")
    room = max(settings.CUSTODIAN_API_TOKENS_PER_USER - 1, 0)
    for old in live[room:]:
        _revoke(actor=user, token=old, request=request, reason="Too many devices")
    lifetime = timedelta(hours=settings.CUSTODIAN_API_TOKEN_HOURS)
    token, key = ApiToken.objects.create(user=user, expiry=lifetime, device=device)
    record_event(
        actor=user,
        action=Action.LOGIN,
        target=token,
        request=request,
        detail={"channel": "api", "device": token.device},
    )
    return token, key


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    tokens: QuerySet[ApiToken] = ApiToken.objects.filter(
        user=user, expiry__gt=timezone.now()
    )
    return tokens


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken, request: Any = None) -> None:
    """Sign one device out: its token stops working at once."""
    if token.user_id != actor.pk and not may_manage_users(actor):
        raise PermissionDenied("You may revoke only your own tokens.")
    _revoke(actor=actor, token=token, request=request, reason="")


def _revoke(*, actor: User, token: ApiToken, request: Any, reason: str) -> None:
    record_event(
        actor=actor,
        action=Action.API_TOKEN_REVOKED,
        target=token,
        request=request,
        reason=reason,
        detail={"username": token.user.get_username(), "device": token.device},
    )
    token.delete()


def end_all_api_tokens(*, user: User) -> int:
    """Every token of the user stops working (the caller records why); returns how many."""
    return int(ApiToken.objects.filter(user=user).delete()[0])
