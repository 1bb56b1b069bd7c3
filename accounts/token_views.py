"""The signed-in user's API tokens, one per device: listed, and revoked one at a time."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.acting import acting_user
from accounts.api_tokens import api_tokens_of, revoke_api_token


@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    """Each device signed in to the API, with when its token was issued and ends."""
    tokens = api_tokens_of(acting_user(request))
    return render(request, "registration/api_token_list.html", {"tokens": tokens})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Sign one device out of the API; someone else's token is not found (404)."""
    user = acting_user(request)
    token = get_object_or_404(api_tokens_of(user), public_id=public_id)
    device = token.device or "an unnamed device"
    revoke_api_token(actor=user, token=token, request=request)
    messages.success(request, f"Signed out {device}: its token no longer works.")
    return redirect("auth:api-tokens")
