"""The mobile capture page and its receipt."""

from django.urls import URLPattern, URLResolver, path

from imaging import capture_views

app_name = "capture"
urlpatterns: list[URLPattern | URLResolver] = [
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
