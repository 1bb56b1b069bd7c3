"""Celery adapters of the pacs part: take ids, call the service, safe to run twice."""

from typing import Any

from celery import shared_task

from interop.pacs import delivery
from interop.pacs.exceptions import RetryLater

__all__ = ["send_to_pacs"]

# About 30 s, 1 min, 2 min ... capped at an hour: a PACS down for maintenance for a few
# hours is still caught up; after the last try the send is marked failed, with why.
MAX_RETRIES = 10


@shared_task(
    bind=True,
    name="interop.tasks.send_to_pacs",
    autoretry_for=(RetryLater,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_to_pacs(self: Any, send_id: int) -> None:
    # Inline (embedded, no broker) a retry would surface as an exception in the request
    # that queued the send: one attempt there, and a failure shows on the send.
    inline = self.request.is_eager and self.app.conf.task_eager_propagates
    final = inline or self.request.retries >= MAX_RETRIES
    delivery.deliver_send(send_id=send_id, final=final)
