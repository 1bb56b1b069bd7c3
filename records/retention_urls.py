"""Retention rules, legal holds, medico-legal flags, disposal review and the register."""

from django.urls import URLPattern, URLResolver

app_name = "retention"
urlpatterns: list[URLPattern | URLResolver] = []
