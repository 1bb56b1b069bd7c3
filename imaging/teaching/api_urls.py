"""API routes for teaching/publication exports (included under /api/)."""

from django.urls import path

from imaging.teaching import api

app_name = "teaching-api"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/teaching-exports/",
        api.TeachingExportView.as_view(),
        name="export",
    ),
]
