"""Changing retention rules (audited, versioned) and previewing what a change would do."""

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.db.models import DateField, Value
from django.db.models.lookups import GreaterThan
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from common.queue import enqueue
from imaging.models import ClinicalImage
from records.models import Encounter, Facility, Patient
from retention.compute import AddYears, Column, compile_expression, dated_images_sql
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


def require_records_manager(actor: User) -> None:
    """Refuse anyone but a records manager a change to the rules."""
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
    require_records_manager(actor)
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
    """How many active images a rule change would make due earlier or later, and of
    those due earlier, how many (of how many patients) are in care or under 25 today."""

    earlier: int
    later: int
    unchanged: int
    in_care_images: int = 0
    in_care_patients: int = 0
    young_images: int = 0
    young_patients: int = 0


# The age below which a patient's records are a child's under most schedules (NSW, VIC,
# ACT): a shortened period for them deserves a second look.
YOUNG_AGE = 25


def _what_if_sql(dated: str, facility: Facility, using: str) -> tuple[str, list[Any]]:
    """Counts over the dated images, joined to their patient and open encounters."""
    image = ClinicalImage._meta.db_table
    patient = Patient._meta.db_table
    encounter = Encounter._meta.db_table
    today = timezone.localdate(timezone=ZoneInfo(facility.time_zone))
    # The same anniversary arithmetic as the rules (29 February turns 28 February).
    young, young_params = compile_expression(
        GreaterThan(
            AddYears(Column("p", "date_of_birth", DateField()), YOUNG_AGE),
            Value(today, output_field=DateField()),
        ),
        using,
    )
    # Null is "kept indefinitely", later than any date.
    rows = (
        "SELECT CASE WHEN c.retain_until IS NOT NULL AND (c.was IS NULL OR "  # noqa: S608
        "c.was > c.retain_until) THEN 1 ELSE 0 END AS e, "
        "CASE WHEN c.was IS NOT NULL AND (c.retain_until IS NULL OR "
        "c.retain_until > c.was) THEN 1 ELSE 0 END AS l, "
        f'i.patient_id AS pid, CASE WHEN EXISTS (SELECT 1 FROM "{encounter}" en '
        "WHERE en.patient_id = i.patient_id AND en.ended_at IS NULL) "
        f"THEN 1 ELSE 0 END AS care, CASE WHEN {young} THEN 1 ELSE 0 END AS young "
        f'FROM ({dated}) c JOIN "{image}" i ON i.id = c.image_id '
        f'JOIN "{patient}" p ON p.id = i.patient_id'
    )
    sql = (
        "SELECT COALESCE(SUM(w.e), 0), COALESCE(SUM(w.l), 0), COUNT(*), "  # noqa: S608
        "COALESCE(SUM(w.e * w.care), 0), "
        "COUNT(DISTINCT CASE WHEN w.e = 1 AND w.care = 1 THEN w.pid END), "
        "COALESCE(SUM(w.e * w.young), 0), "
        "COUNT(DISTINCT CASE WHEN w.e = 1 AND w.young = 1 THEN w.pid END) "
        f"FROM ({rows}) w"
    )
    return sql, young_params


def preview_rule_change(*, actor: User, rule: RetentionRule) -> WhatIf:
    """Compare today's retain_until with what the (unsaved) rule would give, in SQL:
    one query per facility, the in-care and under-25 counts alongside."""
    require_records_manager(actor)
    others = RetentionRule.objects.filter(is_active=True).exclude(pk=rule.pk)
    rules: list[Any] = [*others, rule]
    sums = [0] * 7
    for facility in Facility.objects.all():
        images = ClinicalImage.objects.filter(
            patient__facility=facility, status=ClinicalImage.Status.ACTIVE
        )
        dated, params = dated_images_sql(images, facility, rules)
        sql, young_params = _what_if_sql(dated, facility, images.db)
        with connections[images.db].cursor() as cursor:
            # The under-25 test sits in the SELECT list, before the dated images.
            cursor.execute(sql, young_params + params)
            row = cursor.fetchone()
        # A patient belongs to one facility: counts of patients add up too.
        sums = [total + int(value) for total, value in zip(sums, row, strict=True)]
    earlier, later, counted, *warnings = sums
    return WhatIf(earlier, later, counted - earlier - later, *warnings)
