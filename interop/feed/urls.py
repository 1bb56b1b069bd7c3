"""The feed part's routes (included by config/urls.py at /feed/)."""

from django.urls import URLPattern, URLResolver, include, path

from interop.feed import views

feed_patterns: list[URLPattern | URLResolver] = [
    path("", views.journal, name="journal"),
    path("<uuid:public_id>/", views.message_detail, name="message"),
    path("<uuid:public_id>/retry/", views.message_retry, name="retry"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((feed_patterns, "feed"))),
]
