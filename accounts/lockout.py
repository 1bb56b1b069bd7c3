"""What a locked-out sign-in sees: 403 with a clear message, never a 400."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = (
    "This account or address is locked after repeated failed sign-ins. "
    "Try again in {minutes} minutes or ask an administrator to unlock it."
)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKED_MESSAGE.format(minutes=minutes)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    context = {"cooloff_timedelta": f"{minutes} minutes", "message": message}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=403)
