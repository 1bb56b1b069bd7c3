"""Rate limits: sign-in attempts (before authentication) and API calls per user.

Attempts are counted in fixed one-minute windows with the cache's atomic add/incr, so
fifty parallel requests cannot all read "0 failures" the way they can race the lockout.
"""

import hashlib
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import (
    AnonRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

WINDOW_SECONDS = 60


def _spend(bucket: str, limit: int) -> bool:
    window = int(time.time() // WINDOW_SECONDS)
    key = f"login-attempts:{bucket}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        used = cache.incr(key)
    except ValueError:
        # The entry expired between add and incr: this is the window's first attempt.
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        used = 1
    return used <= limit


def login_attempt_allowed(*, ip: str | None, username: str) -> bool:
    """Count one sign-in attempt against its address and its username; False when over."""
    # Usernames are hashed so cache keys never carry what an attacker typed.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    ip_ok = _spend(f"ip:{ip or 'unknown'}", settings.CUSTODIAN_LOGIN_ATTEMPTS_PER_IP)
    user_ok = _spend(f"user:{name}", settings.CUSTODIAN_LOGIN_ATTEMPTS_PER_USER)
    return ip_ok and user_ok


class _RateFromSettings(SimpleRateThrottle):
    """Reads its rate from settings at call time, so deployments and tests can tune it."""

    setting = ""

    def get_rate(self) -> str:
        return str(getattr(settings, self.setting))

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class PerUserThrottle(_RateFromSettings, UserRateThrottle):
    setting = "CUSTODIAN_API_USER_RATE"


class AnonymousThrottle(_RateFromSettings, AnonRateThrottle):
    setting = "CUSTODIAN_API_ANON_RATE"
