"""Reads for the retention pages: the dashboard, batch summaries and the register."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from imaging.models import ClinicalImage
from records.models import Facility
from retention.models import (
    DisposalBatch,
    DisposalItem,
    DisposalRecord,
    RetentionRule,
    RetentionRuleChange,
)


def due_by_year() -> list[Any]:
    """Active images with a date: how many fall due each year, per facility and basis."""
    return list(
        ClinicalImage.objects.active()
        .filter(retain_until__isnull=False)
        .annotate(year=ExtractYear("retain_until"))
        .values("year", "patient__facility__name", "retention_basis")
        .annotate(images=Count("pk"))
        .order_by("year", "patient__facility__name", "retention_basis")
    )


def kept_indefinitely() -> list[Any]:
    """Active images kept with no date, by the reason (missing facts need a records manager)."""
    return list(
        ClinicalImage.objects.active()
        .filter(retain_until__isnull=True)
        .values("patient__facility__name", "retention_basis")
        .annotate(images=Count("pk"))
        .order_by("patient__facility__name", "retention_basis")
    )


def rules() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.prefetch_related("versions")


def rules_for(facilities: QuerySet[Facility]) -> QuerySet[RetentionRule]:
    """The rules that can date an image of any of these facilities.

    A rule applies to a facility when its jurisdiction and its sector are the
    facility's or blank (every one): the same test as compute.applicable_rules.
    """
    applies = Q(pk__in=[])
    for jurisdiction, sector in facilities.values_list("jurisdiction", "sector"):
        applies |= Q(jurisdiction__in=["", jurisdiction], sector__in=["", sector])
    return rules().filter(applies)


def pending_rule_changes() -> QuerySet[RetentionRuleChange]:
    """Rule changes awaiting a second records manager, oldest first."""
    return (
        RetentionRuleChange.objects.filter(status=RetentionRuleChange.Status.PENDING)
        .select_related("rule", "proposed_by")
        .order_by("proposed_at")
    )


def batches() -> QuerySet[DisposalBatch]:
    return DisposalBatch.objects.select_related(
        "proposed_by", "first_approved_by", "second_approved_by"
    ).annotate(size=Count("items"))


def pending_items(batch: DisposalBatch) -> QuerySet[DisposalItem]:
    return batch.items.filter(outcome=DisposalItem.Outcome.PENDING).select_related(
        "image__patient__facility"
    )


def batch_summary(batch: DisposalBatch) -> dict[str, list[Any]]:
    """Counts of a batch's pending items by facility, by rule and by year due."""
    items = pending_items(batch)
    return {
        "facility": list(
            items.values("image__patient__facility__name")
            .annotate(images=Count("pk"))
            .order_by("image__patient__facility__name")
        ),
        "rule": list(
            items.values("basis").annotate(images=Count("pk")).order_by("basis")
        ),
        "year": list(
            items.annotate(year=ExtractYear("retain_until"))
            .values("year")
            .annotate(images=Count("pk"))
            .order_by("year")
        ),
    }


def register() -> QuerySet[DisposalRecord]:
    return DisposalRecord.objects.select_related("batch")


def retention_in_words(image: ClinicalImage) -> str:
    """'kept until 02/03/2041: NSW HRIPA 2002 s25, patient turns 25 (rule 3 v1)'."""
    if image.retain_until is None:
        return f"kept indefinitely: {image.retention_basis or 'not yet computed'}"
    return f"kept until {image.retain_until:%d/%m/%Y}: {image.retention_basis}"
