"""Legal matters, holds and export bundles."""

from django.urls import URLPattern, URLResolver, path

from legal import views, views_matter

app_name = "legal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("matters/new/", views_matter.matter_new, name="matter-new"),
    path("matters/<uuid:public_id>/", views.matter_detail, name="matter-detail"),
    path("matters/<uuid:public_id>/exports/", views.export_start, name="export-start"),
    path("exports/<uuid:public_id>/", views.export_detail, name="export-detail"),
    path(
        "exports/<uuid:public_id>/download/",
        views.export_download,
        name="export-download",
    ),
    path(
        "images/<uuid:public_id>/thumbnail/",
        views_matter.pick_thumbnail,
        name="pick-thumbnail",
    ),
    path("holds/", views.holds, name="holds"),
    path("holds/<uuid:public_id>/release/", views.hold_release, name="hold-release"),
]
