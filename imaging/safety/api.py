"""API for clinical safety: phone hand-off links and wrong-patient move requests."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imaging.exceptions import ImagingError
from imaging.safety import handoff, moves
from imaging.safety.models import MoveRequest
from imaging.selectors import image_for
from records.selectors import patients_visible_to


def _user(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


def _error(exc: ImagingError) -> Response:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body[exc.field] = [exc.message]
    return Response(body, status=exc.status_code)


class HandoffOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class HandoffCreateView(APIView):
    """Create a 10-minute, single-use link that opens capture on a phone for this patient."""

    @extend_schema(request=None, responses={201: HandoffOut})
    def post(self, request: Request, patient_id: str) -> Response:
        user = _user(request)
        patient = get_object_or_404(patients_visible_to(user), public_id=patient_id)
        try:
            made, token = handoff.create_handoff(
                actor=user, patient=patient, request=request
            )
        except ImagingError as exc:
            return _error(exc)
        url = request.build_absolute_uri(reverse("safety:handoff-open", args=[token]))
        out = {"id": made.public_id, "url": url, "expires_at": made.expires_at}
        return Response(HandoffOut(out).data, status=status.HTTP_201_CREATED)


class MoveRequestIn(serializers.Serializer[Any]):
    to_patient = serializers.UUIDField()
    reason = serializers.CharField(max_length=2000)


class MoveRequestOut(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
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

    @extend_schema(request=MoveRequestIn, responses={201: MoveRequestOut})
    def post(self, request: Request, image_id: str) -> Response:
        user = _user(request)
        image = image_for(user, image_id)
        body = MoveRequestIn(data=request.data)
        body.is_valid(raise_exception=True)
        target = get_object_or_404(
            patients_visible_to(user), public_id=body.validated_data["to_patient"]
        )
        try:
            move = moves.request_move(
                actor=user,
                image=image,
                to_patient=target,
                reason=body.validated_data["reason"],
                request=request,
            )
        except ImagingError as exc:
            return _error(exc)
        return Response(MoveRequestOut(move).data, status=status.HTTP_201_CREATED)


class MoveRequestApproveView(APIView):
    """Approve a pending move (not by the person who asked for it)."""

    @extend_schema(
        request=None,
        responses={
            200: MoveRequestOut,
            403: inline_serializer("Refusal", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request: Request, move_id: str) -> Response:
        user = _user(request)
        move = get_object_or_404(
            MoveRequest.objects.filter(from_patient__in=patients_visible_to(user)),
            public_id=move_id,
        )
        try:
            decided = moves.approve_move(actor=user, move=move, request=request)
        except ImagingError as exc:
            return _error(exc)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(MoveRequestOut(decided).data)
