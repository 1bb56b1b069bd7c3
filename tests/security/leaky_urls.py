"""A URL configuration with deliberately unsafe views, to prove the probes catch them."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from imaging import blobs
from imaging.models import ClinicalImage


def leaky_thumbnail(request: HttpRequest, image_id: Any) -> HttpResponse:
    """Unscoped lookup and no protective headers: the two faults the probes look for."""
    image = ClinicalImage.objects.get(public_id=image_id)
    key = blobs.data_key(image.public_id)
    return HttpResponse(b"".join(blobs.read_decrypted(image.storage_name, key)))


@api_view(["GET"])
def boom(request: Request) -> Response:
    raise RuntimeError("secret internal detail: /srv/custodian/settings.py line 42")


urlpatterns = [
    path("leaky/images/<uuid:image_id>/thumbnail/", leaky_thumbnail, name="thumbnail"),
    path("api/boom/", boom, name="boom"),
    path("", include("config.urls")),
]
