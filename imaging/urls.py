"""imaging's pages: capture, browsing, clinical safety and teaching sets."""

from django.urls import URLPattern, URLResolver, include, path

from imaging import capture_views, views_browse

capture_patterns: list[URLPattern | URLResolver] = [
    path("", capture_views.capture_page, name="page"),
    path("exif/", capture_views.ExifHints.as_view(), name="exif"),
    path(
        "patients/<uuid:patient_id>/photos/",
        capture_views.UploadPhoto.as_view(),
        name="upload",
    ),
    path("receipts/<uuid:image_id>/", capture_views.receipt, name="receipt"),
    path(
        "delete-from-phone/", capture_views.delete_from_phone, name="delete-from-phone"
    ),
]

browse_patterns: list[URLPattern | URLResolver] = [
    path(
        "patients/<uuid:public_id>/",
        views_browse.patient_gallery,
        name="patient-gallery",
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

urlpatterns: list[URLPattern | URLResolver] = [
    path("capture/", include((capture_patterns, "capture"))),
    path("safety/", include("imaging.safety.urls")),
    path("teaching/", include("imaging.teaching.urls")),
    path("", include((browse_patterns, "imaging"))),
]
