"""Rule changes that shorten retention wait for a second records manager, like disposal.

A change *shortens* when the preview finds any active image it would make due earlier,
or when it changes a figure of an existing rule in any way other than one that can only
keep records longer (shortens_rule). Lengthening changes apply at once
(save_retention_rule), as before.
"""

from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from retention.exceptions import RetentionRefused
from retention.models import RetentionRule, RetentionRuleChange, RetentionTrigger
from retention.rules import (
    RULE_FIELDS,
    WhatIf,
    preview_rule_change,
    require_records_manager,
    rule_content,
    save_retention_rule,
)

Status = RetentionRuleChange.Status
INDEFINITE = RetentionTrigger.INDEFINITE.value


def _longer(field: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether changing one field can only keep records as long or longer."""
    old, new = before[field], after[field]
    if field in ("trigger", "second_trigger"):
        # Kept indefinitely is the longest; a second period added only moves dates later.
        return new == INDEFINITE or (field == "second_trigger" and not old)
    if field == "years":
        return bool(new > old) or after["trigger"] == INDEFINITE
    if field == "second_years":
        return bool(new > old) or not before["second_trigger"]
    if field == "sample_one_in":
        # 1 in n kept: a smaller n keeps more; adding or removing a sample reshapes it.
        return old is not None and new is not None and bool(new < old)
    if field == "is_active":
        return bool(new)
    if field == "applies_to":
        return bool(new == RetentionRule.Scope.ALL)
    if field in ("jurisdiction", "sector", "record_class"):
        return bool(new == "")
    # Both combinations end on the latest date; the other fields are words.
    return True


def shortens_rule(current: RetentionRule, proposed: RetentionRule) -> bool:
    """True if an edit lowers, removes or narrows any period figure of the rule."""
    before, after = rule_content(current), rule_content(proposed)
    return any(
        not _longer(field, before, after)
        for field in RULE_FIELDS
        if before[field] != after[field]
    )


def needs_second_manager(rule: RetentionRule, what_if: WhatIf) -> bool:
    """Whether saving this (unsaved) rule must wait for another records manager."""
    if what_if.earlier > 0:
        return True
    if rule.pk is None:
        return False
    return shortens_rule(RetentionRule.objects.get(pk=rule.pk), rule)


@transaction.atomic
def change_retention_rule(
    *,
    actor: User,
    rule: RetentionRule,
    reason: str = "",
    request: HttpRequest | None = None,
) -> RetentionRule | RetentionRuleChange:
    """Save a lengthening change at once; keep a shortening one for a second manager."""
    require_records_manager(actor)
    current = (
        RetentionRule.objects.select_for_update().get(pk=rule.pk) if rule.pk else None
    )
    what_if = preview_rule_change(actor=actor, rule=rule)
    if not needs_second_manager(rule, what_if):
        return save_retention_rule(
            actor=actor, rule=rule, reason=reason, request=request
        )
    return _propose(actor, current, rule, reason.strip(), what_if, request)


def _propose(
    actor: User,
    current: RetentionRule | None,
    rule: RetentionRule,
    reason: str,
    what_if: WhatIf,
    request: HttpRequest | None,
) -> RetentionRuleChange:
    if not reason:
        raise RetentionRefused(
            "This change shortens retention: say why, for the records manager who "
            "will review it.",
            field="reason",
        )
    rule.full_clean()
    if current is not None and current.changes.filter(status=Status.PENDING).exists():
        raise RetentionRefused(
            "A change to this rule already awaits a second records manager: approve "
            "or reject it first."
        )
    change = RetentionRuleChange.objects.create(
        rule=current,
        base_version=current.version if current else 0,
        content=rule_content(rule),
        reason=reason,
        proposed_by=actor,
    )
    record_event(
        actor=actor,
        action=Action.RULE_CHANGE_PROPOSED,
        target=change,
        request=request,
        reason=reason,
        detail={
            "rule": str(current.public_id) if current else None,
            "version": change.base_version,
            "before": rule_content(current) if current else None,
            "after": change.content,
            "what_if": asdict(what_if),
        },
    )
    return change


def _lock_pending(actor: User, change: RetentionRuleChange) -> RetentionRuleChange:
    require_records_manager(actor)
    locked = RetentionRuleChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != Status.PENDING:
        raise RetentionRefused("This change is no longer awaiting a decision.")
    return locked


def _label(field: str) -> str:
    return str(getattr(RetentionRule._meta.get_field(field), "verbose_name", field))


def differences(change: RetentionRuleChange) -> list[tuple[str, Any, Any]]:
    """(label, now, proposed) for each field the change sets differently from the rule."""
    before = rule_content(change.rule) if change.rule else {}
    return [
        (_label(field), before.get(field, "—"), value)
        for field, value in change.content.items()
        if field in RULE_FIELDS and before.get(field, "—") != value
    ]


def proposed_rule(change: RetentionRuleChange) -> RetentionRule:
    """The rule as the change would leave it (unsaved)."""
    rule = (
        RetentionRule.objects.get(pk=change.rule_id)
        if change.rule_id
        else RetentionRule()
    )
    for field in RULE_FIELDS:
        setattr(rule, field, change.content[field])
    return rule


DECIDED = {
    Status.APPROVED: Action.RULE_CHANGE_APPROVED,
    Status.REJECTED: Action.RULE_CHANGE_REJECTED,
}


def _decide(
    change: RetentionRuleChange,
    actor: User,
    status: str,
    *,
    request: HttpRequest | None,
    detail: dict[str, Any],
    reason: str = "",
) -> None:
    change.status = status
    change.decided_by, change.decided_at = actor, timezone.now()
    change.decision_reason = reason
    change.save()
    record_event(
        actor=actor,
        action=DECIDED[Status(status)],
        target=change,
        request=request,
        reason=reason,
        detail=detail | {"proposed_by": change.proposed_by.get_username()},
    )


@transaction.atomic
def approve_rule_change(
    *, actor: User, change: RetentionRuleChange, request: HttpRequest | None = None
) -> RetentionRule:
    """A second records manager applies a shortening change: a new version, recomputed."""
    locked = _lock_pending(actor, change)
    if locked.proposed_by_id == actor.pk:
        raise RetentionRefused(
            "The records manager who proposed a rule change cannot approve it."
        )
    if locked.rule_id is not None:
        current = RetentionRule.objects.select_for_update().get(pk=locked.rule_id)
        if current.version != locked.base_version:
            raise RetentionRefused(
                "The rule has changed since this change was proposed: reject it and "
                "propose it again."
            )
    rule = save_retention_rule(
        actor=actor, rule=proposed_rule(locked), reason=locked.reason, request=request
    )
    locked.rule = rule
    detail = {"rule": str(rule.public_id), "version": rule.version}
    _decide(locked, actor, Status.APPROVED, request=request, detail=detail)
    change.refresh_from_db()
    return rule


@transaction.atomic
def reject_rule_change(
    *,
    actor: User,
    change: RetentionRuleChange,
    reason: str,
    request: HttpRequest | None = None,
) -> RetentionRuleChange:
    """Reject a proposed change with a reason; the rule stays as it is."""
    if not reason.strip():
        require_records_manager(actor)
        raise RetentionRefused("Say why the change is rejected.", field="reason")
    locked = _lock_pending(actor, change)
    detail = {"rule": str(locked.rule.public_id) if locked.rule else None}
    _decide(
        locked,
        actor,
        Status.REJECTED,
        request=request,
        reason=reason.strip(),
        detail=detail,
    )
    change.refresh_from_db()
    return locked
