"""Reviewing a rule change that shortens retention: a second records manager decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from accounts.reauth import require_recent_authentication
from retention.exceptions import RetentionRefused
from retention.models import RetentionRuleChange
from retention.rule_changes import (
    approve_rule_change,
    differences,
    proposed_rule,
    reject_rule_change,
)
from retention.rules import preview_rule_change

MANAGE = Perm.MANAGE_RETENTION


def _review(
    request: HttpRequest,
    change: RetentionRuleChange,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    pending = change.status == RetentionRuleChange.Status.PENDING
    context = {
        "change": change,
        "differences": differences(change) if pending else [],
        # Today's images, not those of the day it was proposed.
        "what_if": (
            preview_rule_change(actor=request.user, rule=proposed_rule(change))  # type: ignore[arg-type]
            if pending
            else None
        ),
        # Hide what would only be refused: the proposer may not approve.
        "may_approve": change.proposed_by_id != request.user.pk,
        "error": error,
    }
    return render(
        request, "retention/retentionrulechange_detail.html", context, status=status
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def rule_change(request: HttpRequest, public_id: str) -> HttpResponse:
    """A proposed change: what it sets, its effect on today's images, the decision."""
    queryset = RetentionRuleChange.objects.select_related(
        "rule", "proposed_by", "decided_by"
    )
    return _review(request, get_object_or_404(queryset, public_id=public_id))


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
@require_recent_authentication
def rule_change_act(request: HttpRequest, public_id: str, act: str) -> HttpResponse:
    """Approve (applied at once) or reject (with a reason) a proposed change."""
    change = get_object_or_404(RetentionRuleChange, public_id=public_id)
    user: User = request.user  # type: ignore[assignment]
    try:
        if act == "approve":
            approve_rule_change(actor=user, change=change, request=request)
            messages.success(
                request, "Change approved: retention dates are recomputed."
            )
        else:
            reason = request.POST.get("reason", "")
            reject_rule_change(
                actor=user, change=change, reason=reason, request=request
            )
            messages.success(request, "Change rejected: the rule stays as it is.")
    except RetentionRefused as exc:
        return _review(request, change, exc.message, exc.status_code)
    return redirect("retention:rules")
