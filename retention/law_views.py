"""Pages for the law behind the dates: the preview form, verifying rules, freezes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from retention.exceptions import RetentionRefused
from retention.forms import PreviewForm, ReasonForm, VerifyForm
from retention.models import DisposalFreeze, RetentionRule
from retention.preview import preview_retention
from retention.verification import switch_freeze, verify_retention_rule

MANAGE = Perm.MANAGE_RETENTION


@login_required
@permission_required(MANAGE, raise_exception=True)
def preview(request: HttpRequest) -> HttpResponse:
    """ "Until when must we keep it?" from stated facts: the same code that dates images."""
    form = PreviewForm(request.GET or None)
    result = preview_retention(**form.cleaned_data) if form.is_valid() else None
    return render(
        request, "retention/retention_preview.html", {"form": form, "result": result}
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def rule_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    """Verify a rule against the authorised text: title, version, clause, reason."""
    rule = get_object_or_404(RetentionRule, public_id=public_id)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verify_retention_rule(
                actor=request.user,  # type: ignore[arg-type]
                rule=rule,
                request=request,
                **form.cleaned_data,
            )
        except RetentionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Rule verified; retention dates are recomputed.")
            return redirect("retention:rules")
    context = {"form": form, "rule": rule, "checks": rule.verifications.all()}
    return render(request, "retention/retentionrule_verify.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def freeze_list(request: HttpRequest) -> HttpResponse:
    freezes = DisposalFreeze.objects.select_related("changed_by")
    return render(request, "retention/disposalfreeze_list.html", {"freezes": freezes})


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def freeze_switch(request: HttpRequest, public_id: str) -> HttpResponse:
    """Switch a freeze on or off, with a reason (audited)."""
    freeze = get_object_or_404(DisposalFreeze, public_id=public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the freeze is switched.")
        return redirect("retention:freezes")
    try:
        switch_freeze(
            actor=request.user,  # type: ignore[arg-type]
            freeze=freeze,
            on=not freeze.is_active,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except RetentionRefused as exc:
        messages.error(request, str(exc))
    else:
        state = "on" if not freeze.is_active else "off"
        messages.success(request, f"Freeze switched {state}.")
    return redirect("retention:freezes")
