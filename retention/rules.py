"""Changing retention rules (audited, versioned) and previewing what a change would do."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from common.queue import enqueue
from imaging.models import ClinicalImage
from records.models import Facility
from retention.compute import dated_images_sql
from retention.models import RetentionRule, RetentionRuleVersion

RULE_FIELDS = (
    "name",
    "jurisdiction",
    "sector",
    "record_class",
    "applies_to",
    "trigger",
    "years",
    "second_trigger",
    "second_years",
    "combine",
    "sample_one_in",
    "instrument",
    "class_ref",
    "citation",
    "needs_verification",
    "is_active",
)


def rule_content(rule: RetentionRule) -> dict[str, Any]:
    return model_to_dict(rule, fields=RULE_FIELDS)


def _check(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only records managers change retention rules.")


@transaction.atomic
def save_retention_rule(
    *,
    actor: User,
    rule: RetentionRule,
    reason: str = "",
    request: HttpRequest | None = None,
) -> RetentionRule:
    """Save a new or edited rule as its next version, audited; recompute on commit."""
    _check(actor)
    before: dict[str, Any] | None = None
    if rule.pk is not None:
        current = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        before = rule_content(current)
        rule.version = current.version + 1
        dating = set(RULE_FIELDS) - {"name", "is_active", "needs_verification"}
        if any(getattr(current, f) != getattr(rule, f) for f in dating):
            # A changed figure has not been read against the authorised text.
            rule.needs_verification = True
    rule.full_clean()
    rule.save()
    after = rule_content(rule)
    RetentionRuleVersion.objects.create(
        rule=rule, version=rule.version, content=after, reason=reason, changed_by=actor
    )
    record_event(
        actor=actor,
        action=Action.RULE_CHANGED,
        target=rule,
        request=request,
        reason=reason,
        detail={"version": rule.version, "before": before, "after": after},
    )
    enqueue("retention.tasks.recompute_retention")
    return rule


@dataclass(frozen=True)
class WhatIf:
    """How many active images a rule change would make due earlier or later."""

    earlier: int
    later: int
    unchanged: int


def preview_rule_change(*, actor: User, rule: RetentionRule) -> WhatIf:
    """Compare today's retain_until with what the (unsaved) rule would give, in SQL."""
    _check(actor)
    others = RetentionRule.objects.filter(is_active=True).exclude(pk=rule.pk)
    rules: list[Any] = [*others, rule]
    totals = {"earlier": 0, "later": 0, "unchanged": 0}
    for facility in Facility.objects.all():
        images = ClinicalImage.objects.filter(
            patient__facility=facility, status=ClinicalImage.Status.ACTIVE
        )
        dated, params = dated_images_sql(images, facility, rules)
        # Null is "kept indefinitely", later than any date.
        sql = (
            "SELECT COALESCE(SUM(CASE WHEN c.retain_until IS NOT NULL AND "  # noqa: S608
            "(c.was IS NULL OR c.was > c.retain_until) THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN c.was IS NOT NULL AND (c.retain_until IS NULL "
            "OR c.retain_until > c.was) THEN 1 ELSE 0 END), 0), COUNT(*) "
            f"FROM ({dated}) c"
        )
        with connections[images.db].cursor() as cursor:
            cursor.execute(sql, params)
            earlier, later, total = cursor.fetchone()
        totals["earlier"] += earlier
        totals["later"] += later
        totals["unchanged"] += total - earlier - later
    return WhatIf(**totals)
