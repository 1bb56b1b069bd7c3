"""Disabling an account: it stops working everywhere at once."""

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.api_tokens import end_all_api_tokens
from accounts.models import SealedTOTPDevice
from accounts.permissions import may_manage_users
from audit.services import Action, record_event


def _sessions_of(user: User) -> list[str]:
    # Sessions are opaque blobs; decoding the live ones is the only way to find a user's.
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            keys.append(session.session_key)
    return keys


@transaction.atomic
def disable_account(*, actor: User, user: User, reason: str) -> int:
    """Deactivate a user and end all their sessions and tokens; return sessions ended."""
    if not may_manage_users(actor):
        raise PermissionDenied("Only administrators may disable accounts.")
    if actor.pk == user.pk:
        raise PermissionDenied("You cannot disable your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = Session.objects.filter(session_key__in=_sessions_of(user)).delete()[0]
    tokens = end_all_api_tokens(user=user)
    SealedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    record_event(
        actor=actor,
        action=Action.ACCOUNT_DISABLED,
        target=user,
        reason=reason,
        detail={
            "username": user.username,
            "sessions_ended": ended,
            "api_tokens_ended": tokens,
        },
    )
    return ended
