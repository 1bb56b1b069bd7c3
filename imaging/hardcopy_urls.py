"""Print queues and hard copies for paper-record facilities."""

from django.urls import URLPattern, URLResolver

app_name = "hardcopies"
urlpatterns: list[URLPattern | URLResolver] = []
