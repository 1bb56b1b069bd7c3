"""Top-level URLs. Every app's pages and API live under its own include."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config import health
from records import views as record_views

admin.site.site_header = "Custodian administration"
admin.site.site_title = "Custodian"

urlpatterns = [
    path("", record_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("imaging.api_urls")),
    path("api/", include("imaging.hardcopy_api_urls")),
    path("api/", include("imaging.legal_api_urls")),
    path("api/", include("imaging.safety.api_urls")),
    path("api/", include("imaging.teaching.api_urls")),
    path("safety/", include("imaging.safety.urls")),
    path("", include("config.auth_urls")),
    path("capture/", include("imaging.capture_urls")),
    path("print/", include("imaging.hardcopy_urls")),
    path("legal/", include("imaging.legal_urls")),
    path("teaching/", include("imaging.teaching.urls")),
    path("retention/", include("records.retention_urls")),
    path("audit/", include("audit.urls")),
    path("", include("records.urls")),
]
