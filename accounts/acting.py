"""Who is acting in a request: the one way views and APIs get their signed-in user."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def acting_user(request: HttpRequest | Request) -> User:
    """The signed-in user; anyone else is refused with 403 (never a 500 or a 404).

    Views are guarded by login_required and the API by IsAuthenticated, so this is the
    last line, and the type checker's proof that the user is a real account.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
