"""Pages for clinical safety (included under /safety/)."""

from django.urls import path

from imaging.safety import views

app_name = "safety"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/handoff/",
        views.handoff_create,
        name="handoff-create",
    ),
    path(
        "handoffs/<uuid:handoff_id>/arrivals/",
        views.handoff_arrivals,
        name="handoff-arrivals",
    ),
    path("h/<str:token>/", views.handoff_open, name="handoff-open"),
    path("images/<uuid:image_id>/reveal/", views.reveal, name="reveal"),
    path(
        "images/<uuid:image_id>/sensitivity/", views.set_sensitivity, name="sensitivity"
    ),
    path(
        "images/<uuid:image_id>/withdraw-consent/",
        views.withdraw_consent,
        name="withdraw-consent",
    ),
    path("images/<uuid:image_id>/move/", views.move_request, name="move-request"),
    path("moves/", views.move_queue, name="move-queue"),
    path("moves/<uuid:move_id>/approve/", views.move_approve, name="move-approve"),
    path("moves/<uuid:move_id>/decline/", views.move_decline, name="move-decline"),
]
