"""Top-level URLs: each app's pages and API under its own include, in layer order."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config import health

admin.site.site_header = "Custodian administration"
admin.site.site_title = "Custodian"

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("accounts.urls")),
    path("api/", include("imaging.api.urls")),
    path("api/", include("hardcopy.api.urls")),
    path("api/", include("legal.api.urls")),
    path("api/", include("retention.api.urls")),
    path("print/", include("hardcopy.urls")),
    path("legal/", include("legal.urls")),
    path("retention/", include("retention.urls")),
    path("feed/", include("interop.feed.urls")),
    path("fhir/", include("interop.fhir.urls")),
    path("api/", include("interop.pacs.urls")),
    path("", include("imaging.urls")),
    path("", include("records.urls")),
]
