"""The fhir part's routes (included by config/urls.py at /fhir/)."""

from django.urls import URLPattern, URLResolver, path

from interop.fhir import views

app_name = "fhir"

# Ids are matched as text, so a malformed one gets a FHIR 404, not Django's page.
urlpatterns: list[URLPattern | URLResolver] = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient", views.patient_search, name="patient-search"),
    path("Patient/<str:patient_id>", views.patient_read, name="patient"),
    path("Media", views.media_search, name="media-search"),
    path("Media/<str:media_id>", views.media_read, name="media"),
    path("Binary/<str:binary_id>", views.binary_read, name="binary"),
]
