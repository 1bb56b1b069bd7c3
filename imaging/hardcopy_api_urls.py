"""API for hard copies: /api/images/{id}/hard-copy/, /api/hard-copies/{id}/ and its pdf/."""

from django.urls import URLPattern, URLResolver

app_name = "hardcopies-api"
urlpatterns: list[URLPattern | URLResolver] = []
