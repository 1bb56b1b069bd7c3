"""API tokens that expire (kept apart from views: DRF imports this while it loads)."""

import binascii
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiToken

# Writing "last used" on every request would cost a write per call; this close is enough.
LAST_USED_PRECISION = timedelta(minutes=5)


class ExpiringTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """knox's hashed token, sent as `Authorization: Token <key>`, refused once expired."""

    def authenticate_credentials(self, key: bytes) -> tuple[User, ApiToken]:
        try:
            presented = key.decode("utf-8")
            digest = hash_token(presented)
        except (UnicodeDecodeError, TypeError, binascii.Error) as error:
            raise AuthenticationFailed("Invalid token.") from error
        # The digest is the primary key: one indexed lookup, whatever the token.
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, token_key=presented[: CONSTANTS.TOKEN_KEY_LENGTH])
            .first()
        )
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.expiry is None or token.expiry <= now:
            token.delete()
            raise AuthenticationFailed("This token has expired: request a new one.")
        user, _ = self.validate_user(token)
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token
