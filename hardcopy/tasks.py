"""Celery adapters for hard copies: take ids, call the service, safe to run twice."""

from celery import shared_task

from hardcopy import rendering, services, sweep


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def queue_paper_copy(image_id: int) -> None:
    services.queue_paper_copy(image_id=image_id)


@shared_task
def render_hard_copy(hard_copy_id: int) -> None:
    rendering.render_hard_copy(hard_copy_id=hard_copy_id)


@shared_task
def sweep_hard_copies() -> None:
    sweep.sweep_hard_copies()
