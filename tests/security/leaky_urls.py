"""A URL configuration with deliberately unsafe views (to prove the probes catch them)
and small views exercising the shared defences."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.reauth import RecentlyAuthenticated
from imaging.models import ClinicalImage
from vault import blobs


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


class GraveAct(APIView):
    permission_classes = [IsAuthenticated, RecentlyAuthenticated]

    def post(self, request: Request) -> Response:
        return Response({"detail": "done"})


urlpatterns.insert(0, path("api/grave-act/", GraveAct.as_view(), name="grave-act"))
