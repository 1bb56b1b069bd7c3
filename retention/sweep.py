"""The sweep: recompute, then propose a batch of images past retain-until, unheld, unflagged."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.utils import timezone

from audit.services import Action, record_event
from imaging.hooks import kept_q
from imaging.models import ClinicalImage
from retention.compute import recompute_retention
from retention.facts import flag_filter
from retention.models import DisposalBatch, DisposalItem
from retention.verification import unverified_q

OPEN_STATUSES = (
    DisposalBatch.Status.PROPOSED,
    DisposalBatch.Status.APPROVED_ONCE,
    DisposalBatch.Status.APPROVED,
    DisposalBatch.Status.DISPOSING,
)


def _past_due(today: date) -> QuerySet[ClinicalImage]:
    in_open_batch = DisposalItem.objects.filter(
        batch__status__in=OPEN_STATUSES, outcome=DisposalItem.Outcome.PENDING
    ).values("image_id")
    return (
        ClinicalImage.objects.filter(
            status=ClinicalImage.Status.ACTIVE, retain_until__lt=today
        )
        .exclude(kept_q())
        .exclude(flag_filter())
        .exclude(pk__in=in_open_batch)
    )


def due_images(today: date) -> QuerySet[ClinicalImage]:
    """Active images kept until before today by a verified rule, unheld, unflagged."""
    return _past_due(today).exclude(unverified_q())


def due_but_unverified(today: date) -> QuerySet[ClinicalImage]:
    """Images that would be due, but the rule dating them is not yet verified."""
    return _past_due(today).filter(unverified_q())


@dataclass(frozen=True)
class SweepResult:
    due: int
    batch: DisposalBatch | None
    # Past their date under a rule not yet verified: listed, never proposed.
    unverified: int = 0


def _insert_items(batch: DisposalBatch, due: QuerySet[ClinicalImage]) -> int:
    # INSERT ... SELECT: the due set goes from query to batch without passing through Python.
    rows = due.annotate(
        b_batch=Value(batch.pk),
        b_image=F("pk"),
        b_until=F("retain_until"),
        b_basis=F("retention_basis"),
        b_outcome=Value(DisposalItem.Outcome.PENDING.value),
        b_note=Value(""),
    ).values_list("b_batch", "b_image", "b_until", "b_basis", "b_outcome", "b_note")
    sql, params = rows.query.sql_with_params()
    table = DisposalItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(batch_id, image_id, retain_until, basis, outcome, note) " + sql,
            params,
        )
        return int(cursor.rowcount)


@transaction.atomic
def sweep_retention(
    *,
    actor: User | None,
    today: date | None = None,
    dry_run: bool = False,
    recompute: bool = True,
) -> SweepResult:
    """Recompute every retain_until, then propose what is due (or only count it)."""
    today = today or timezone.localdate()
    if recompute:
        recompute_retention()
    due = due_images(today)
    unverified = due_but_unverified(today).count()
    if dry_run or not due.exists():
        count = due.count()
        # A dry run sees today's dates but leaves the database exactly as it was.
        transaction.set_rollback(dry_run)
        return SweepResult(due=count, batch=None, unverified=unverified)
    batch = DisposalBatch.objects.create(due_on=today, proposed_by=actor)
    count = _insert_items(batch, due)
    record_event(
        actor=actor,
        action=Action.DISPOSAL_PROPOSED,
        target=batch,
        detail={
            "items": count,
            "due_on": today.isoformat(),
            "unverified": unverified,
        },
    )
    return SweepResult(due=count, batch=batch, unverified=unverified)
