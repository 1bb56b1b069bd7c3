"""Retention API under /api/ (DESIGN.md §9)."""

from django.urls import URLPattern, URLResolver, path

from retention.api import views

app_name = "retention-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("retention-rules/", views.retention_rules, name="rules"),
    path("retention/preview/", views.retention_preview, name="preview"),
]
