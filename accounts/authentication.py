"""API tokens that expire (kept apart from views: DRF imports this while it loads)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once it is older than CUSTODIAN_API_TOKEN_HOURS."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user, token = super().authenticate_credentials(key)
        lifetime = timedelta(hours=settings.CUSTODIAN_API_TOKEN_HOURS)
        if token.created + lifetime < timezone.now():
            raise AuthenticationFailed("This token has expired: request a new one.")
        return user, token
