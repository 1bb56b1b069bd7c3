"""Sign-in with the hospital's identity provider (OpenID Connect, DESIGN.md §9).

Nothing here reaches the provider: the endpoints come from its discovery document,
fetched when someone first signs in (accounts.oidc), so a provider that is down never
stops Custodian from starting or its break-glass administrators from signing in.
"""

from config.settings.environment import env

CUSTODIAN_OIDC_ISSUER = env.str("CUSTODIAN_OIDC_ISSUER", default="").rstrip("/")
CUSTODIAN_OIDC_CLIENT_ID = env.str("CUSTODIAN_OIDC_CLIENT_ID", default="")
CUSTODIAN_OIDC_CLIENT_SECRET = env.str("CUSTODIAN_OIDC_CLIENT_SECRET", default="")
CUSTODIAN_OIDC_NAME = env.str("CUSTODIAN_OIDC_NAME", default="your organisation")
CUSTODIAN_OIDC_ROLES_CLAIM = env.str("CUSTODIAN_OIDC_ROLES_CLAIM", default="roles")
# "idp-value=role,…", e.g. "Custodian.Nurse=ward_staff,Custodian.Records=records_manager".
CUSTODIAN_OIDC_ROLE_MAP = env.dict("CUSTODIAN_OIDC_ROLE_MAP", default={})
CUSTODIAN_OIDC_WARDS_CLAIM = env.str("CUSTODIAN_OIDC_WARDS_CLAIM", default="wards")
CUSTODIAN_OIDC_MFA_AMR = env.str("CUSTODIAN_OIDC_MFA_AMR", default="mfa")
# How often a signed-in session is checked again with the provider (leavers lose access).
CUSTODIAN_OIDC_RENEW_MINUTES = env.int("CUSTODIAN_OIDC_RENEW_MINUTES", default=15)
# Seconds to wait for the provider before telling the user it cannot be reached.
CUSTODIAN_OIDC_TIMEOUT = env.float("CUSTODIAN_OIDC_TIMEOUT", default=10.0)
# Off: passwords only for break-glass administrators; everyone else uses the provider.
CUSTODIAN_LOCAL_LOGIN = env.bool("CUSTODIAN_LOCAL_LOGIN", default=True)

# mozilla-django-oidc: the names it reads (the endpoints come from discovery instead).
OIDC_RP_CLIENT_ID = CUSTODIAN_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = CUSTODIAN_OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = CUSTODIAN_OIDC_TIMEOUT
OIDC_STORE_ID_TOKEN = True
OIDC_CREATE_USER = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
