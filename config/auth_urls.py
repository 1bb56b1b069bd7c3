"""Sign-in flows beyond Django's: multi-factor, re-authentication, the API token."""

from django.urls import URLPattern, URLResolver

app_name = "auth"
urlpatterns: list[URLPattern | URLResolver] = []
