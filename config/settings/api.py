"""The REST API: authentication, throttles, paging, errors and the OpenAPI schema."""

from datetime import timedelta

from config.settings.environment import env

# API: expiring tokens, per-user throttling, errors that never leak internals.
# A token lasts one shift from sign-in and is not extended by use: a phone left signed
# in stops working by itself. Signing in again on a device issues a new token.
CUSTODIAN_API_TOKEN_HOURS = env.int("CUSTODIAN_API_TOKEN_HOURS", default=12)
# Live tokens a user may hold (one per device); the oldest is revoked to make room.
CUSTODIAN_API_TOKENS_PER_USER = env.int("CUSTODIAN_API_TOKENS_PER_USER", default=10)
CUSTODIAN_API_USER_RATE = env.str("CUSTODIAN_API_USER_RATE", default="1200/hour")
CUSTODIAN_API_ANON_RATE = env.str("CUSTODIAN_API_ANON_RATE", default="120/hour")

# django-rest-knox: only a SHA-512 digest of each token is stored, in accounts.ApiToken
# (which adds the device); the header stays "Authorization: Token <key>" (DESIGN.md §6).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model's name
# knox's migrations create its own token table even when the model is swapped: switched
# off, so no unused table (with a foreign key to auth_user) is made (accounts/0006).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(hours=CUSTODIAN_API_TOKEN_HOURS),
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.PerUserThrottle",
        "accounts.throttling.AnonymousThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    # The one mapper of failures to answers, for every app (accounts/api.py).
    "EXCEPTION_HANDLER": "accounts.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Custodian API",
    "DESCRIPTION": "Clinical images in the patient's health record.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "status" (and retention two triggers): one name per choice set.
    "ENUM_NAME_OVERRIDES": {
        "HardCopyStatusEnum": "hardcopy.models.HardCopyStatus",
        "PacsSendStatusEnum": "interop.models.pacs.PacsSendStatus",
        "RetentionTriggerEnum": "retention.models.RetentionTrigger",
    },
}
