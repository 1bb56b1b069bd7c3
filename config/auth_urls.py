"""Sign-in flows beyond Django's: multi-factor, re-authentication, the API token."""

from django.urls import URLPattern, URLResolver, path

from config.security import views
from config.security.tokens import ObtainTokenView

app_name = "auth"
urlpatterns: list[URLPattern | URLResolver] = [
    path("api/token/", ObtainTokenView.as_view(), name="token"),
    path("accounts/mfa/enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("accounts/mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("accounts/reauth/", views.reauthenticate, name="reauth"),
    path("accounts/security/", views.account_security, name="account-security"),
]
