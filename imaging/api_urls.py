"""The REST API under /api/ (DESIGN.md §6)."""

from django.urls import URLPattern, URLResolver

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = []
