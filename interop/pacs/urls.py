"""The pacs part's routes (included by config/urls.py under /api/)."""

from django.urls import URLPattern, URLResolver, path

from interop.pacs import api

app_name = "pacs-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("images/<uuid:image_id>/pacs-sends/", api.send_image, name="send-image"),
    path("pacs-sends/<uuid:send_id>/", api.send_detail, name="detail"),
]
