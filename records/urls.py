"""Browsing pages: wards, patient search, gallery, image page, break-the-glass."""

from django.urls import URLPattern, URLResolver, path

from imaging import views_browse
from records.views import breakglass, patients

app_name = "records"
urlpatterns: list[URLPattern | URLResolver] = [
    path("patients/", patients.patient_search, name="patient-search"),
    path(
        "patients/<uuid:public_id>/",
        patients.patient_gallery,
        name="patient-gallery",
    ),
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
    path("images/<uuid:public_id>/", views_browse.image_detail, name="image-detail"),
    path(
        "images/<uuid:public_id>/thumbnail/",
        views_browse.image_thumbnail,
        name="image-thumbnail",
    ),
    path(
        "images/<uuid:public_id>/preview/",
        views_browse.image_preview,
        name="image-preview",
    ),
    path(
        "images/<uuid:public_id>/original/",
        views_browse.image_original,
        name="image-original",
    ),
]
