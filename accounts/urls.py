"""Sign-in: Django's pages, multi-factor, re-authentication, the API token."""

from django.urls import URLPattern, URLResolver, include, path

from accounts import oidc_views, token_views, views
from accounts.tokens import ObtainTokenView

auth_patterns: list[URLPattern | URLResolver] = [
    path("api/token/", ObtainTokenView.as_view(), name="token"),
    path("accounts/mfa/enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("accounts/mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("accounts/reauth/", views.reauthenticate, name="reauth"),
    path("accounts/security/", views.account_security, name="account-security"),
    path("accounts/tokens/", token_views.api_token_list, name="api-tokens"),
    path(
        "accounts/tokens/<uuid:public_id>/revoke/",
        token_views.api_token_revoke,
        name="api-token-revoke",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/login/", oidc_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", oidc_views.sign_out, name="logout"),
    # The hospital's identity provider (OpenID Connect, DESIGN.md §9).
    path(
        "oidc/authenticate/",
        oidc_views.AuthenticateView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        oidc_views.CallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("", include((auth_patterns, "auth"))),
]
