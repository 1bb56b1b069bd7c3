"""Browsing pages: wards, patient search, gallery, image page, break-the-glass."""

from django.urls import URLPattern, URLResolver

app_name = "records"
urlpatterns: list[URLPattern | URLResolver] = []
