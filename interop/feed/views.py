"""/feed/: the ADT journal, the parked messages and their retry (records managers, admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.acting import acting_user
from audit.services import Action, record_event
from interop.feed.selectors import (
    journal_entry_for,
    journal_visible_to,
    may_read_journal,
)
from interop.feed.services import retry
from interop.models.feed import FeedMessage

PAGE = 50


def _check(request: HttpRequest) -> None:
    if not may_read_journal(request.user):
        raise PermissionDenied(
            "Only records managers and administrators read the feed."
        )


@login_required
def journal(request: HttpRequest) -> HttpResponse:
    _check(request)
    rows = journal_visible_to(request.user).select_related("source")
    outcome = request.GET.get("outcome", "")
    if outcome in FeedMessage.Outcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    parked = journal_visible_to(request.user).filter(outcome="parked").count()
    context = {
        "page": page,
        "outcome": outcome,
        "outcomes": FeedMessage.Outcome.choices,
        "parked": parked,
    }
    return render(request, "interop/feed/message_list.html", context)


@login_required
def message_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _check(request)
    entry = journal_entry_for(request.user, public_id)
    with transaction.atomic():
        # The raw message is personal information: reading it is an access.
        record_event(
            actor=acting_user(request),
            action=Action.VIEW,
            target=entry,
            request=request,
        )
    return render(request, "interop/feed/message_detail.html", {"entry": entry})


@login_required
@require_POST
def message_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    _check(request)
    entry = journal_entry_for(request.user, public_id)
    if entry.outcome != FeedMessage.Outcome.PARKED:
        messages.error(request, "Only a parked message can be retried.")
        return redirect("feed:message", public_id=entry.public_id)
    settled = retry(entry=entry)
    if settled.outcome == FeedMessage.Outcome.ACCEPTED:
        messages.success(request, "Applied.")
    else:
        messages.error(request, f"Still not applied: {settled.error}")
    return redirect("feed:message", public_id=entry.public_id)
