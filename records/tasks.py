"""Celery adapters for retention: take ids, call the service of the same name."""

from collections.abc import Sequence

from celery import shared_task


@shared_task
def recompute_retention(patient_ids: Sequence[int] | None = None) -> int:
    from records.retention.compute import recompute_retention as recompute

    return recompute(patient_ids=list(patient_ids) if patient_ids else None)


@shared_task
def sweep_retention() -> None:
    from records.retention.sweep import sweep_retention as sweep

    sweep(actor=None)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def carry_out_disposal(batch_id: int) -> None:
    from records.retention.disposal import carry_out_disposal as carry_out

    carry_out(batch_id=batch_id)


@shared_task
def carry_out_due_disposals() -> None:
    from records.retention.disposal import carry_out_due_disposals as carry_out

    carry_out()
