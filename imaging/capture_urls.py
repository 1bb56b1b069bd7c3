"""The mobile capture page and its receipt."""

from django.urls import URLPattern, URLResolver

app_name = "capture"
urlpatterns: list[URLPattern | URLResolver] = []
