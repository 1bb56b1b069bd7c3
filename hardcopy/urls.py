"""Print queues and hard copies for paper-record facilities (pages under /print/)."""

from django.urls import URLPattern, URLResolver, path

from hardcopy import views

app_name = "hardcopies"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("overdue/", views.overdue, name="overdue"),
    path("wards/<uuid:ward_id>/", views.queue, name="queue"),
    path("copies/<uuid:copy_id>/print/", views.print_copy, name="print"),
    path("copies/<uuid:copy_id>/filed/", views.filed, name="filed"),
    path("copies/<uuid:copy_id>/retrieved/", views.retrieved, name="retrieved"),
    path("images/<uuid:image_id>/", views.request_image, name="request-image"),
    path("patients/<uuid:patient_id>/", views.request_patient, name="request-patient"),
]
