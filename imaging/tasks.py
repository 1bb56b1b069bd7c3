"""Celery adapters: take ids, call the service of the same name, safe to run twice."""

from celery import shared_task

from imaging.services import derivatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_derivatives(image_id: int) -> None:
    derivatives.make_derivatives(image_id=image_id)
