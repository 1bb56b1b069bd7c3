"""records' pages: patient search, break-the-glass, and access reports."""

from django.urls import URLPattern, URLResolver, include, path

from records.views import breakglass, patients
from records.views.home import home

record_patterns: list[URLPattern | URLResolver] = [
    path("patients/", patients.patient_search, name="patient-search"),
    path("break-glass/", breakglass.break_glass, name="break-glass"),
    path(
        "privacy/break-glass/",
        breakglass.break_glass_review_queue,
        name="break-glass-queue",
    ),
    path(
        "privacy/break-glass/<uuid:public_id>/review/",
        breakglass.break_glass_review,
        name="break-glass-review",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("audit/", include("records.access_reports.urls")),
    path("", include((record_patterns, "records"))),
]
