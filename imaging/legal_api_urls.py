"""API for legal work: /api/matters/, /api/exports/, /api/holds/."""

from django.urls import URLPattern, URLResolver

app_name = "legal-api"
urlpatterns: list[URLPattern | URLResolver] = []
