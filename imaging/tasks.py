"""Celery adapters: take ids, call the service of the same name, safe to run twice."""

from typing import Any

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval

from common.unavailable import is_unavailable
from imaging.services import derivatives


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_derivatives(self: Task[Any, None], image_id: int) -> None:
    try:
        derivatives.make_derivatives(image_id=image_id)
    except Exception as exc:
        # The object store unreachable or answering 5xx (botocore's errors are not
        # OSError) is worth a retry too. Inline, the request does not wait through
        # retries: the periodic sweep makes them once the store is back.
        if self.request.is_eager or not is_unavailable(exc):
            raise
        countdown = get_exponential_backoff_interval(
            factor=1, retries=self.request.retries, maximum=600, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def sweep_derivatives() -> None:
    derivatives.sweep_derivatives()
