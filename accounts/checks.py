"""System checks for sign-in's defences that a configuration can quietly defeat."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


def check_shared_cache(**kwargs: Any) -> list[CheckMessage]:
    """Login throttling counts in the cache: per process unless every server shares it."""
    if settings.EMBEDDED:
        return []
    if not settings.CACHE_URL_SET:
        return [
            Error(
                "DATABASE_URL is set but CACHE_URL is not: each web worker would keep "
                "its own in-memory cache, so sign-in throttling and lockouts would count "
                "per worker, not per deployment.",
                hint="Set CACHE_URL to a cache every web server shares, e.g. "
                "redis://cache.internal:6379/2.",
                id="custodian.E002",
            )
        ]
    if settings.CACHES["default"]["BACKEND"] == LOCAL_MEMORY:
        return [
            Warning(
                "CACHE_URL names a local-memory cache: sign-in throttling counts per "
                "process. Only a deployment with one web process may do this.",
                hint="Set CACHE_URL to a shared cache such as Redis.",
                id="custodian.W002",
            )
        ]
    return []
