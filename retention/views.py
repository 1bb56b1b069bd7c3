"""Retention pages for records managers: dashboard, rules with a what-if, flags."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from accounts.reauth import require_recent_authentication
from records.models import Facility, Patient
from retention import selectors
from retention.exceptions import RetentionRefused
from retention.facts import (
    active_flags,
    clear_medico_legal_flag,
    set_medico_legal_flag,
)
from retention.forms import FlagForm, ReasonForm, RuleForm
from retention.models import RetentionRule, RetentionRuleChange
from retention.rule_changes import change_retention_rule, needs_second_manager
from retention.rules import preview_rule_change
from retention.sweep import due_but_unverified, sweep_retention

MANAGE = Perm.MANAGE_RETENTION


@login_required
@permission_required(MANAGE, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Images by the year they fall due, and those kept with no date, and why."""
    context = {
        "due": selectors.due_by_year(),
        "kept": selectors.kept_indefinitely(),
        "batches": selectors.batches()[:5],
        "unverified_rules": selectors.rules().filter(
            is_active=True, needs_verification=True
        ),
        "awaiting_verification": due_but_unverified(timezone.localdate()),
    }
    return render(request, "retention/retention_dashboard.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules; for a manager assigned to facilities, first only those that apply there."""
    user = cast(User, request.user)
    mine = Facility.objects.filter(assignments__user=user).order_by("code")
    show_all = request.GET.get("show") == "all" or not mine.exists()
    rules = selectors.rules() if show_all else selectors.rules_for(mine)
    context = {
        "rules": rules,
        "show_all": show_all,
        "my_facilities": mine,
        "pending": selectors.pending_rule_changes(),
    }
    return render(request, "retention/retentionrule_list.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_recent_authentication
def rule_edit(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    """Edit or add a rule; "Preview" shows the what-if, "Save" versions and audits it
    (or, if it shortens retention, proposes it to a second records manager)."""
    rule = (
        get_object_or_404(RetentionRule, public_id=public_id)
        if public_id
        else RetentionRule()
    )
    form = RuleForm(request.POST or None, instance=rule)
    what_if, needs_second = None, False
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST:
            saved = _save_rule(request, form)
            if saved is not None:
                return saved
        else:
            what_if = preview_rule_change(actor=request.user, rule=form.instance)  # type: ignore[arg-type]
            needs_second = needs_second_manager(form.instance, what_if)
    context = {
        "form": form,
        "rule": rule,
        "what_if": what_if,
        "needs_second": needs_second,
        "pending": (
            selectors.pending_rule_changes().filter(rule=rule).first()
            if rule.pk
            else None
        ),
    }
    return render(request, "retention/retentionrule_form.html", context)


def _save_rule(request: HttpRequest, form: RuleForm) -> HttpResponse | None:
    """Save the edit, or propose it if it shortens retention; None if refused."""
    try:
        outcome = change_retention_rule(
            actor=request.user,  # type: ignore[arg-type]
            rule=form.instance,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except RetentionRefused as exc:
        form.add_error(exc.field, exc.message)
        return None
    if isinstance(outcome, RetentionRuleChange):
        messages.warning(
            request,
            "This change would shorten retention: it takes effect only when another "
            "records manager approves it.",
        )
    else:
        messages.success(request, "Rule saved; retention dates are recomputed.")
    return redirect("retention:rules")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    """Run the sweep now; the proposer then cannot approve the batch."""
    result = sweep_retention(actor=request.user)  # type: ignore[arg-type]
    if result.unverified:
        messages.warning(
            request,
            f"{result.unverified} images are due, but the rule is not yet verified: "
            "they are not proposed.",
        )
    if result.batch is None:
        messages.info(request, "Nothing is due for disposal.")
        return redirect("retention:dashboard")
    messages.success(request, f"{result.due} images proposed for disposal.")
    return redirect("retention:batch", public_id=result.batch.public_id)


@login_required
@permission_required(MANAGE, raise_exception=True)
def flag_list(request: HttpRequest) -> HttpResponse:
    """Medico-legal flags in force, and a form to flag a patient."""
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # MRNs are unique per facility: look only in the manager's own facilities.
        matches = Patient.objects.filter(
            mrn=form.cleaned_data["mrn"], facility__assignments__user=request.user.pk
        )
        patient = matches.first() if len(matches) == 1 else None
        if patient is None:
            form.add_error("mrn", "No single patient of your facilities has this MRN.")
        else:
            try:
                set_medico_legal_flag(
                    actor=request.user,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    patient=patient,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Flag set: disposal is suspended.")
                return redirect("retention:flags")
    flags = active_flags().select_related("patient", "image__patient", "set_by")
    return render(
        request, "retention/medicolegalflag_list.html", {"flags": flags, "form": form}
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def flag_clear(request: HttpRequest, public_id: str) -> HttpResponse:
    flag = get_object_or_404(active_flags(), public_id=public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the flag is cleared.")
        return redirect("retention:flags")
    clear_medico_legal_flag(
        actor=request.user,  # type: ignore[arg-type]
        flag=flag,
        reason=form.cleaned_data["reason"],
        request=request,
    )
    messages.success(request, "Flag cleared.")
    return redirect("retention:flags")
