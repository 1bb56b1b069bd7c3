"""The REST API under /api/ (DESIGN.md §6)."""

from django.urls import URLPattern, URLResolver, include, path

from imaging.api import images, patients

image_patterns: list[URLPattern | URLResolver] = [
    path("patients/", patients.PatientList.as_view(), name="patients"),
    path(
        "patients/<uuid:patient_id>/",
        patients.PatientDetail.as_view(),
        name="patient-detail",
    ),
    path(
        "patients/<uuid:patient_id>/images/",
        images.PatientImages.as_view(),
        name="patient-images",
    ),
    path("images/<uuid:image_id>/", images.ImageDetail.as_view(), name="image"),
    path(
        "images/<uuid:image_id>/original/",
        images.ImageOriginal.as_view(),
        name="image-original",
    ),
    path(
        "images/<uuid:image_id>/thumbnail/",
        images.ImageThumbnail.as_view(),
        name="image-thumbnail",
    ),
    path(
        "images/<uuid:image_id>/preview/",
        images.ImagePreview.as_view(),
        name="image-preview",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((image_patterns, "api"))),
    path("", include("imaging.safety.api_urls")),
    path("", include("imaging.teaching.api_urls")),
]
