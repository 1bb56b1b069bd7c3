"""POST /api/images/{id}/pacs-sends/ and GET /api/pacs-sends/{id}/ (DESIGN.md section 9)."""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from common.api import refusals
from interop.models.pacs import PacsSend
from interop.pacs import selectors, services
from interop.pacs.exceptions import PacsSendNotFound


class PacsSendRequestSerializer(serializers.Serializer[Any]):
    destination = serializers.CharField(max_length=50)
    reason = serializers.CharField(
        max_length=1000,
        allow_blank=True,
        default="",
        help_text="For a sensitive image only: why it goes to the PACS (recorded).",
    )


class PacsSendQueuedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=PacsSend.Status.choices)


class PacsSendSerializer(PacsSendQueuedSerializer):
    id = serializers.UUIDField(source="public_id")
    image = serializers.UUIDField(source="image.public_id")
    destination = serializers.CharField(source="destination.name")
    sop_instance_uid = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    queued_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


ERRORS = refusals(
    {
        400: "No PACS destination by that name for the image's facility.",
        403: "A sensitive image, and no reason given.",
        404: "No such image, or not one the caller may see.",
    }
)


@extend_schema(
    request=PacsSendRequestSerializer,
    responses={202: PacsSendQueuedSerializer, **ERRORS},
)
@api_view(["POST"])
def send_image(request: Request, image_id: UUID) -> Response:
    """Queue the image for the named PACS (a resend replaces the PACS's copy)."""
    image = selectors.image_for(request.user, image_id)
    form = PacsSendRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    destination = services.destination_for(image, form.validated_data["destination"])
    send = services.send_image_to_pacs(
        actor=acting_user(request),
        image=image,
        destination=destination,
        reason=form.validated_data["reason"],
        request=request._request,
    )
    send.refresh_from_db()
    return Response(
        {"id": str(send.public_id), "status": send.status},
        status=status.HTTP_202_ACCEPTED,
    )


@extend_schema(responses={200: PacsSendSerializer, **refusals({404: "No such send."})})
@api_view(["GET"])
def send_detail(request: Request, send_id: UUID) -> Response:
    """Where a send stands: queued, sending, sent or failed (with the reason)."""
    send = selectors.pacs_send_for(request.user, send_id)
    if send is None:
        raise PacsSendNotFound("No such PACS send.")
    return Response(PacsSendSerializer(send).data)
