"""The REST API: authentication, throttles, paging, errors and the OpenAPI schema."""

from config.settings.environment import env

# API: expiring tokens, per-user throttling, errors that never leak internals.
CUSTODIAN_API_TOKEN_HOURS = env.int("CUSTODIAN_API_TOKEN_HOURS", default=12)
CUSTODIAN_API_USER_RATE = env.str("CUSTODIAN_API_USER_RATE", default="1200/hour")
CUSTODIAN_API_ANON_RATE = env.str("CUSTODIAN_API_ANON_RATE", default="120/hour")

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
