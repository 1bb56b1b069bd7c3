"""API for clinical safety: phone hand-off links and wrong-patient move requests."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as SecondPersonRule
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.acting import acting_user
from common.api import refusals
from imaging.models import MoveRequest
from imaging.safety import handoff, moves
from imaging.selectors import image_for
from records.selectors import patients_visible_to

NO_MOVE = "No such move request, or not one the caller may decide."
DECIDED = "The move has already been decided, or the image has moved since."
OWN_MOVE = "The caller asked for this move: a second person must decide it."


class HandoffOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class HandoffCreateView(APIView):
    """Create a 10-minute, single-use link that opens capture on a phone for this patient."""

    @extend_schema(
        request=None,
        responses={
            201: HandoffOut,
            **refusals(
                {404: "No such patient, or not one the caller may capture for."}
            ),
        },
    )
    def post(self, request: Request, patient_id: str) -> Response:
        user = acting_user(request)
        patient = get_object_or_404(patients_visible_to(user), public_id=patient_id)
        made, token = handoff.create_handoff(
            actor=user, patient=patient, request=request._request
        )
        url = request.build_absolute_uri(reverse("safety:handoff-open", args=[token]))
        out = {"id": made.public_id, "url": url, "expires_at": made.expires_at}
        return Response(HandoffOut(out).data, status=status.HTTP_201_CREATED)


class MoveRequestIn(serializers.Serializer[Any]):
    to_patient = serializers.UUIDField()
    reason = serializers.CharField(max_length=2000)


class MoveDeclineIn(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=500, help_text="Why the image is on the right patient after all."
    )


class MoveListFilter(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[MoveRequest.Status.PENDING],
        default=MoveRequest.Status.PENDING,
        help_text="Only pending moves are listed: decided ones are in each image's "
        "history.",
    )


class MoveRequestOut(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    image = serializers.UUIDField(source="image.public_id")
    status = serializers.CharField()
    from_patient = serializers.UUIDField(source="from_patient.public_id")
    to_patient = serializers.UUIDField(source="to_patient.public_id")
    reason = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    requested_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class MoveRequestCreateView(APIView):
    """Ask for an image on the wrong patient to be moved; a second person approves."""

    @extend_schema(
        request=MoveRequestIn,
        responses={
            201: MoveRequestOut,
            **refusals(
                {
                    400: "No reason, the same patient, or one of another facility.",
                    404: "No such image or patient, or not one the caller may see.",
                    409: "A move of this image is already awaiting approval.",
                }
            ),
        },
    )
    def post(self, request: Request, image_id: str) -> Response:
        user = acting_user(request)
        image = image_for(user, image_id)
        body = MoveRequestIn(data=request.data)
        body.is_valid(raise_exception=True)
        target = get_object_or_404(
            patients_visible_to(user), public_id=body.validated_data["to_patient"]
        )
        move = moves.request_move(
            actor=user,
            image=image,
            to_patient=target,
            reason=body.validated_data["reason"],
            request=request._request,
        )
        return Response(MoveRequestOut(move).data, status=status.HTTP_201_CREATED)


class MoveRequestListView(APIView):
    """Pending moves the caller may decide: never their own, oldest first."""

    @extend_schema(
        parameters=[MoveListFilter],
        responses={
            200: MoveRequestOut(many=True),
            **refusals({400: "An unknown status (only pending is listed)."}),
        },
    )
    def get(self, request: Request) -> Response:
        MoveListFilter(data=request.query_params).is_valid(raise_exception=True)
        pending = moves.moves_awaiting(acting_user(request)).order_by("requested_at")
        return Response(MoveRequestOut(pending[:200], many=True).data)


def _move_to_decide(user: User, move_id: str) -> MoveRequest:
    visible: QuerySet[MoveRequest] = MoveRequest.objects.filter(
        from_patient__in=patients_visible_to(user)
    )
    return get_object_or_404(visible, public_id=move_id)


def _decided(decide: Callable[..., MoveRequest], **kwargs: Any) -> Response:
    # DRF would answer Django's PermissionDenied with a generic sentence; keep ours.
    try:
        decided = decide(**kwargs)
    except SecondPersonRule as exc:
        raise PermissionDenied(str(exc)) from exc
    return Response(MoveRequestOut(decided).data)


class MoveRequestApproveView(APIView):
    """Approve a pending move (not by the person who asked for it)."""

    @extend_schema(
        request=None,
        responses={
            200: MoveRequestOut,
            **refusals({403: OWN_MOVE, 404: NO_MOVE, 409: DECIDED}),
        },
    )
    def post(self, request: Request, move_id: str) -> Response:
        user = acting_user(request)
        return _decided(
            moves.approve_move,
            actor=user,
            move=_move_to_decide(user, move_id),
            request=request._request,
        )


class MoveRequestDeclineView(APIView):
    """Decline a pending move with a reason: the image stays where it is."""

    @extend_schema(
        request=MoveDeclineIn,
        responses={
            200: MoveRequestOut,
            **refusals(
                {400: "No reason given.", 403: OWN_MOVE, 404: NO_MOVE, 409: DECIDED}
            ),
        },
    )
    def post(self, request: Request, move_id: str) -> Response:
        user = acting_user(request)
        move = _move_to_decide(user, move_id)
        body = MoveDeclineIn(data=request.data)
        body.is_valid(raise_exception=True)
        return _decided(
            moves.decline_move,
            actor=user,
            move=move,
            reason=body.validated_data["reason"],
            request=request._request,
        )
