"""Signing in is itself a recent authentication (re-authentication window starts)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.reauth import mark_recently_authenticated


@receiver(user_logged_in)
def _signed_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        mark_recently_authenticated(request)
