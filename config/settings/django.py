"""Django itself: the apps in layer order, the middleware in request order, templates."""

from config.settings.environment import BASE_DIR, DATA_DIR, DEBUG, env

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens, stored hashed, one per device (accounts.ApiToken, docs/security.md).
    "knox",
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
    "interop",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Throttle sign-in attempts before anything else touches the database.
    "accounts.middleware.LoginThrottleMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Absolute session limit, then the MFA gate: both need the user and its device.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MultiFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Checks an identity provider's session again every CUSTODIAN_OIDC_RENEW_MINUTES.
    "accounts.oidc_views.ProviderSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the authenticated user and guards every view.
    "axes.middleware.AxesMiddleware",
]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Locale: Australian English; times stored in UTC, shown in the facility's zone.
LANGUAGE_CODE = "en-au"
TIME_ZONE = env.str("CUSTODIAN_TIME_ZONE", default="Australia/Sydney")
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise; STATIC_ROOT is made by the entry points.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
