"""Sign-in events flow into the audit trail.

Django and django-axes announce these only through signals, so this is the one place the
trail listens to signals rather than being called by a service.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django.http import HttpRequest

from audit.services import Action, record_event


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action=Action.LOGIN, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action=Action.LOGOUT, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # credentials has the password already masked by Django; keep only the username.
    username = str(credentials.get("username", ""))[:150]
    record_event(
        actor=None,
        action=Action.LOGIN_FAILED,
        request=request,
        detail={"username": username},
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    record_event(
        actor=None,
        action=Action.LOCKED_OUT,
        request=request,
        detail={"username": (username or "")[:150]},
    )
