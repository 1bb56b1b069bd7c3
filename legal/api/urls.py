"""API for legal work: /api/matters/, /api/exports/, /api/holds/."""

from django.urls import URLPattern, URLResolver, path

from legal.api import views as api

app_name = "legal-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("matters/", api.matters, name="matters"),
    path(
        "matters/<uuid:public_id>/exports/", api.matter_exports, name="matter-exports"
    ),
    path("exports/<uuid:public_id>/", api.export_detail, name="export-detail"),
    path(
        "exports/<uuid:public_id>/download/",
        api.export_download,
        name="export-download",
    ),
    path("holds/", api.holds, name="holds"),
    path("holds/<uuid:public_id>/release/", api.hold_release, name="hold-release"),
]
