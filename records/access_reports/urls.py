"""Access reports for a patient or a user (HTML, CSV, PDF)."""

from django.urls import URLPattern, URLResolver, path

from records.access_reports import views

app_name = "access-reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_index, name="report-index"),
    path("patients/<uuid:public_id>/", views.patient_report, name="patient-report"),
    path(
        "patients/<uuid:public_id>/access.csv",
        views.patient_report,
        {"fmt": "csv"},
        name="patient-report-csv",
    ),
    path(
        "patients/<uuid:public_id>/access.pdf",
        views.patient_report,
        {"fmt": "pdf"},
        name="patient-report-pdf",
    ),
    path("users/<str:username>/", views.user_report, name="user-report"),
    path(
        "users/<str:username>/activity.csv",
        views.user_report,
        {"fmt": "csv"},
        name="user-report-csv",
    ),
    path(
        "users/<str:username>/activity.pdf",
        views.user_report,
        {"fmt": "pdf"},
        name="user-report-pdf",
    ),
]
