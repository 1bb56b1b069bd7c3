"""Sign-in: Django's pages, multi-factor, re-authentication, the API token."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from accounts import views
from accounts.tokens import ObtainTokenView

auth_patterns: list[URLPattern | URLResolver] = [
    path("api/token/", ObtainTokenView.as_view(), name="token"),
    path("accounts/mfa/enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("accounts/mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("accounts/reauth/", views.reauthenticate, name="reauth"),
    path("accounts/security/", views.account_security, name="account-security"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((auth_patterns, "auth"))),
]
