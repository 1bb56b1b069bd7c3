"""Celery adapters for retention: take ids, call the service of the same name."""

from collections.abc import Sequence

from celery import shared_task

from retention import compute, disposal, sweep


@shared_task
def recompute_retention(patient_ids: Sequence[int] | None = None) -> int:
    return compute.recompute_retention(
        patient_ids=list(patient_ids) if patient_ids else None
    )


@shared_task
def sweep_retention() -> None:
    sweep.sweep_retention(actor=None)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def carry_out_disposal(batch_id: int) -> None:
    disposal.carry_out_disposal(batch_id=batch_id)


@shared_task
def carry_out_due_disposals() -> None:
    disposal.carry_out_due_disposals()
