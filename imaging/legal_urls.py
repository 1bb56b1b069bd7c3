"""Legal matters, holds and export bundles."""

from django.urls import URLPattern, URLResolver

app_name = "legal"
urlpatterns: list[URLPattern | URLResolver] = []
