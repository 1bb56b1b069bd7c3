"""Custodian settings, read from the environment (docs/architecture.md, DESIGN.md §6).

No variable set gives the embedded single-machine mode: SQLite and media under
CUSTODIAN_DATA_DIR (default var/), Celery tasks run inline, secrets generated once into
the data directory. DATABASE_URL, CELERY_BROKER_URL and STORAGE_BACKEND switch to
PostgreSQL, real workers and object storage with the same code.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.localsecrets import read_or_create

# Lets generic classes such as ModelAdmin[Model] be subscripted at run time (mypy --strict).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DATA_DIR = Path(env.str("CUSTODIAN_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
EMBEDDED = "DATABASE_URL" not in env

# Secrets: a deployment must pass them; only the embedded mode may generate its own.
if "DJANGO_SECRET_KEY" in env:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
elif EMBEDDED or DEBUG:
    SECRET_KEY = read_or_create(
        DATA_DIR / "secret_key",
        label="Django secret key",
        consequence="Replacing it signs everyone out.",
    )
else:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DATABASE_URL is.")

if "CUSTODIAN_MASTER_KEY" in env:
    CUSTODIAN_MASTER_KEY = env.str("CUSTODIAN_MASTER_KEY")
elif "CUSTODIAN_MASTER_KEY_FILE" in env:
    CUSTODIAN_MASTER_KEY = (
        Path(env.str("CUSTODIAN_MASTER_KEY_FILE")).read_text().strip()
    )
elif EMBEDDED or DEBUG:
    CUSTODIAN_MASTER_KEY = read_or_create(
        DATA_DIR / "master.key",
        label="master key",
        consequence="Back it up apart from the data: without it no image can be decrypted.",
    )
else:
    raise ImproperlyConfigured(
        "CUSTODIAN_MASTER_KEY (or CUSTODIAN_MASTER_KEY_FILE) must be set when "
        "DATABASE_URL is: the master key never lives in the database."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Custodian's own apps, in layer order: each imports only those above it
    # (docs/architecture.md; import-linter checks it).
    "vault",
    "audit",
    "accounts",
    "records",
    "imaging",
    "hardcopy",
    "legal",
    "retention",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the authenticated user and guards every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _tuned(db: dict[str, Any], test_name: str) -> dict[str, Any]:
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE: take the write lock at BEGIN, so two writers queue instead of one
        # failing with "database is locked" when it upgrades a read lock.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Tests use a file too: an in-memory shared-cache database answers a concurrent
        # writer "table is locked" at once instead of waiting, unlike the embedded mode.
        db["TEST"] = {"NAME": str(DATA_DIR / test_name)}
    else:
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        db["CONN_HEALTH_CHECKS"] = True
    return db


# Database: SQLite in the data directory unless DATABASE_URL says otherwise.
DATABASES = {
    "default": _tuned(
        env.db_url(
            "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'custodian.sqlite3'}"
        ),
        "test-custodian.sqlite3",
    )
}
# The data keys in a database of their own, with short backup retention, so that a
# disposed image's key does not outlive it in long-kept backups (docs/deployment.md §6).
if env.str("CUSTODIAN_KEYS_DATABASE_URL", default=""):
    DATABASES["keys"] = _tuned(
        env.db_url("CUSTODIAN_KEYS_DATABASE_URL"), "test-custodian-keys.sqlite3"
    )
    DATABASE_ROUTERS = ["vault.routers.KeyStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Storage: local files under the data directory, or private S3-compatible object storage.
# There is deliberately no MEDIA_URL route: stored objects are only served by audited views.
MEDIA_ROOT = DATA_DIR / "media"
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "filesystem":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif STORAGE_BACKEND == "s3":
    _s3_options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        # "path" for S3-compatible stores (MinIO, Ceph) without per-bucket host names.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
        "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",
        # S3 silently overwrites by default; a health record must never be replaced.
        "file_overwrite": False,
        "object_parameters": {
            k: v
            for k, v in {
                "ServerSideEncryption": env.str("AWS_S3_SSE", default="AES256"),
                "SSEKMSKeyId": env.str("AWS_S3_SSE_KMS_KEY_ID", default=None),
            }.items()
            if v
        },
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options,
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _default_storage,
    # Hashed, compressed names need `collectstatic` first (deployments and run-stack
    # set CUSTODIAN_STATIC_MANIFEST=true); without it pages would fail to render.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("CUSTODIAN_STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Authentication.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("CUSTODIAN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CUSTODIAN_LOCKOUT_MINUTES", default=30))
# Per user and per client address; a successful sign-in clears that user's and address's count.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 403
# Sessions: short inactivity expiry, ended when the browser closes.
SESSION_COOKIE_AGE = env.int("CUSTODIAN_SESSION_IDLE_MINUTES", default=15) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS: a deployment behind TLS sets CUSTODIAN_HTTPS=true (check --deploy requires it).
HTTPS = env.bool("CUSTODIAN_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("CUSTODIAN_BEHIND_TLS_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Locale: Australian English; times stored in UTC, shown in the facility's zone.
LANGUAGE_CODE = "en-au"
TIME_ZONE = env.str("CUSTODIAN_TIME_ZONE", default="Australia/Sydney")
USE_I18N = True
USE_TZ = True

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Custodian API",
    "DESCRIPTION": "Clinical images in the patient's health record.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Celery: inline when no broker is configured; real workers otherwise.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# acks_late alone loses a task whose worker child dies; reject it back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "retention-sweep-daily": {
        "task": "retention.tasks.sweep_retention",
        "schedule": crontab(hour=1, minute=30),
    },
    "disposal-carry-out-hourly": {
        "task": "retention.tasks.carry_out_due_disposals",
        "schedule": crontab(minute=45),
    },
    "audit-checkpoint-daily": {
        "task": "audit.tasks.record_audit_checkpoint",
        "schedule": crontab(hour=0, minute=15),
    },
    # Re-queues hard copies a lost task left behind (paper records must get every print).
    "hard-copy-sweep": {
        "task": "hardcopy.tasks.sweep_hard_copies",
        "schedule": crontab(minute="*/10"),
    },
    "delete-expired-exports-hourly": {
        "task": "legal.tasks.delete_expired_exports",
        "schedule": crontab(minute=40),
    },
}

# Cache: local memory in the embedded mode, Redis when given one.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://custodian")}

# Custodian's own limits and policies.
CUSTODIAN_MAX_UPLOAD_MB = env.int("CUSTODIAN_MAX_UPLOAD_MB", default=40)
CUSTODIAN_MAX_PIXELS = env.int("CUSTODIAN_MAX_PIXELS", default=100_000_000)
CUSTODIAN_MFA_REQUIRED = env.bool("CUSTODIAN_MFA_REQUIRED", default=True)
CUSTODIAN_WARD_ACCESS_DAYS = env.int("CUSTODIAN_WARD_ACCESS_DAYS", default=30)
CUSTODIAN_BREAK_GLASS_HOURS = env.int("CUSTODIAN_BREAK_GLASS_HOURS", default=4)
# Hard copies: flagged overdue when not filed within this many days; PDF files are split
# every this many pages so rendering a patient's whole set keeps memory bounded.
CUSTODIAN_HARD_COPY_OVERDUE_DAYS = env.int(
    "CUSTODIAN_HARD_COPY_OVERDUE_DAYS", default=3
)
CUSTODIAN_HARD_COPY_PAGES_PER_FILE = env.int(
    "CUSTODIAN_HARD_COPY_PAGES_PER_FILE", default=25
)
CUSTODIAN_HARD_COPY_MAX_IMAGES = env.int("CUSTODIAN_HARD_COPY_MAX_IMAGES", default=2000)
# Export bundles (legal matters) can be downloaded for this long, then are deleted.
CUSTODIAN_EXPORT_EXPIRY_DAYS = env.int("CUSTODIAN_EXPORT_EXPIRY_DAYS", default=7)
# De-identified teaching/publication sets are built in the request: at most this many
# previews (about 0.3 MB each) in one set.
CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES = env.int(
    "CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES", default=50
)
# Days between the second approval of a disposal batch and its destruction (objections).
CUSTODIAN_DISPOSAL_WAIT_DAYS = env.int("CUSTODIAN_DISPOSAL_WAIT_DAYS", default=7)
# Uploads are streamed to a temporary file above this size rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Logs: plain lines, or one JSON object a line for a log shipper (config/logging.py).
LOG_FORMAT = env.str("CUSTODIAN_LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("CUSTODIAN_LOG_FORMAT must be 'plain' or 'json'.")
# Celery replaces the root logger's handlers unless told not to; JSON must reach workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------
# Security hardening (OWASP ASVS level 2; docs/security.md). Everything about sign-in,
# sessions, headers and the API's defences is grouped here so it can be reviewed at once.
# ---------------------------------------------------------------------------------------
_AUTH_MW = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_AUTH_MW + 1 : _AUTH_MW + 1] = [
    "django_otp.middleware.OTPMiddleware",
    # Absolute session limit, then the MFA gate: both need the user and its device.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MultiFactorMiddleware",
]
# Throttle sign-in attempts before anything else touches the database.
MIDDLEWARE[1:1] = [
    "accounts.middleware.LoginThrottleMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
]

# Client address: ipware is not installed, so axes would fall back to REMOTE_ADDR (the
# proxy's address) for everyone; our resolver counts CUSTODIAN_PROXY_COUNT hops instead.
CUSTODIAN_PROXY_COUNT = env.int("CUSTODIAN_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.clientip.client_ip"
# Lockouts answer 403: JSON for the API, the lockout page for people.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Attempts per minute, counted before authentication so parallel bursts cannot race the
# lockout counter (DESIGN.md §7, django-axes).
CUSTODIAN_LOGIN_ATTEMPTS_PER_IP = env.int("CUSTODIAN_LOGIN_ATTEMPTS_PER_IP", default=20)
CUSTODIAN_LOGIN_ATTEMPTS_PER_USER = env.int(
    "CUSTODIAN_LOGIN_ATTEMPTS_PER_USER", default=10
)

# Sessions: the idle limit is SESSION_COOKIE_AGE above; this is the absolute limit.
CUSTODIAN_SESSION_MAX_HOURS = env.int("CUSTODIAN_SESSION_MAX_HOURS", default=12)
# Exports, disposal approvals and rule changes ask for the password again after this.
CUSTODIAN_REAUTH_MINUTES = env.int("CUSTODIAN_REAUTH_MINUTES", default=5)

# Multi-factor: TOTP secrets are sealed with the master key (accounts.models).
OTP_TOTP_ISSUER = "Custodian"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}
# Only the capture page may use the camera; nothing may use the rest.
CUSTODIAN_CAMERA_PATHS = ["/capture/"]

# API: expiring tokens, per-user throttling, errors that never leak internals.
CUSTODIAN_API_TOKEN_HOURS = env.int("CUSTODIAN_API_TOKEN_HOURS", default=12)
CUSTODIAN_API_USER_RATE = env.str("CUSTODIAN_API_USER_RATE", default="1200/hour")
CUSTODIAN_API_ANON_RATE = env.str("CUSTODIAN_API_ANON_RATE", default="120/hour")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "accounts.throttling.PerUserThrottle",
    "accounts.throttling.AnonymousThrottle",
]
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "accounts.api.exception_handler"
