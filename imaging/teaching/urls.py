"""Teaching and publication exports (pages under /teaching/)."""

from django.urls import URLPattern, URLResolver, path

from imaging.teaching import views

app_name = "teaching"
urlpatterns: list[URLPattern | URLResolver] = [
    path("patients/<uuid:patient_id>/", views.export_page, name="export"),
]
