"""Sign-in, sessions, HTTPS and headers: reviewed together (docs/security.md, ASVS L2)."""

from datetime import timedelta

from config.settings.environment import DEBUG, env

# Authentication.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Once a username is guessed at from many addresses, only its known devices sign in.
    "accounts.lockout.NewDeviceLimitBackend",
    # Local passwords (break-glass administrators only when CUSTODIAN_LOCAL_LOGIN is off)
    # and the hospital's identity provider (accounts.oidc).
    "accounts.oidc.LocalPasswordBackend",
    "accounts.oidc.HospitalIdentityBackend",
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
# The (username, address) pair: a flat list would lock either one, so five guesses from
# anywhere would lock a named clinician out everywhere (issue 23.1). Guessing from many
# addresses meets the per-username limit for new devices below (accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures for one username from every address within the cool-off, after which only
# devices it has signed in from before may sign in to it (accounts.lockout).
CUSTODIAN_LOGIN_FAILURE_LIMIT_PER_USERNAME = env.int(
    "CUSTODIAN_LOGIN_FAILURE_LIMIT_PER_USERNAME", default=20
)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 403
# Sessions: short inactivity expiry, ended when the browser closes.
SESSION_COOKIE_AGE = env.int("CUSTODIAN_SESSION_IDLE_MINUTES", default=15) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS: on whenever DEBUG is off, so a deployment that forgets the setting still sends
# its cookies only over TLS; a plain-HTTP stack on one machine says CUSTODIAN_HTTPS=false.
HTTPS = env.bool("CUSTODIAN_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Trust X-Forwarded-Proto only where configured: CUSTODIAN_BEHIND_TLS_PROXY, or (as before
# HTTPS became the default) an explicit CUSTODIAN_HTTPS=true; never by default alone.
if env.bool("CUSTODIAN_BEHIND_TLS_PROXY", default=HTTPS and "CUSTODIAN_HTTPS" in env):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

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
