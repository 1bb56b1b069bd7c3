"""The site's URLs plus two that fail, to see the 500 answers (used by test_error_pages)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def _fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("failing/", _fail),
    path("api/failing/", _fail),
    *urlpatterns,
]
