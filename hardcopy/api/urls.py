"""API for hard copies: /api/images/{id}/hard-copy/, /api/hard-copies/{id}/ and its pdf/."""

from django.urls import URLPattern, URLResolver, path

from hardcopy.api import views as api

app_name = "hardcopies-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "images/<uuid:image_id>/hard-copy/",
        api.request_image_copy,
        name="request-image",
    ),
    path(
        "patients/<uuid:patient_id>/hard-copy/",
        api.request_patient_copy,
        name="request-patient",
    ),
    path("hard-copies/<uuid:copy_id>/", api.hard_copy_detail, name="detail"),
    path("hard-copies/<uuid:copy_id>/pdf/", api.hard_copy_pdf, name="pdf"),
    path("hard-copies/<uuid:copy_id>/filed/", api.hard_copy_filed, name="filed"),
]
