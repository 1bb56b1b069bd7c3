"""API tokens, issued by POST /api/token/ (username, password, otp, and device)."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_tokens import device_name, issue_api_token
from accounts.mfa import mfa_required_for, verify_code
from accounts.models import DEVICE_NAME_LENGTH


class TokenRequest(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=8,
        required=False,
        help_text="The current code from the authenticator app (privileged roles).",
    )
    device = serializers.CharField(
        max_length=DEVICE_NAME_LENGTH,
        required=False,
        allow_blank=True,
        help_text="A name for this device, listed with its token (else its User-Agent).",
    )


Detail = inline_serializer("Detail", {"detail": serializers.CharField()})


class ObtainTokenView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    # Sign-in attempts are limited by LoginThrottleMiddleware, before authentication.
    throttle_classes: list[type] = []

    @extend_schema(
        request=TokenRequest,
        responses={
            200: inline_serializer("TokenIssued", {"token": serializers.CharField()}),
            400: Detail,
            403: Detail,
            429: Detail,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequest(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        user = authenticate(
            request._request,
            username=username,
            password=form.validated_data["password"],
        )
        if not isinstance(user, User):
            return _refused("Unable to sign in with these credentials.")
        if mfa_required_for(user) and not verify_code(
            user, form.validated_data.get("otp", "")
        ):
            # A wrong code counts towards the lockout like a wrong password.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username},
                request=request._request,
            )
            return _refused("A valid one-time code (otp) is required for your role.")
        device = device_name(form.validated_data.get("device", ""), request._request)
        _, key = issue_api_token(user=user, device=device, request=request._request)
        return Response({"token": key})


def _refused(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
