"""API routes for clinical safety (included under /api/)."""

from django.urls import path

from imaging.safety import api

app_name = "safety-api"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/handoffs/",
        api.HandoffCreateView.as_view(),
        name="handoff-create",
    ),
    path(
        "images/<uuid:image_id>/move-requests/",
        api.MoveRequestCreateView.as_view(),
        name="move-request-create",
    ),
    path("move-requests/", api.MoveRequestListView.as_view(), name="move-request-list"),
    path(
        "move-requests/<uuid:move_id>/decline/",
        api.MoveRequestDeclineView.as_view(),
        name="move-request-decline",
    ),
    path(
        "move-requests/<uuid:move_id>/approve/",
        api.MoveRequestApproveView.as_view(),
        name="move-request-approve",
    ),
]
