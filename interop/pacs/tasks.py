"""Celery adapters of the pacs part: take ids, call the service, safe to run twice."""

import logging
import random
from typing import Any

from celery import shared_task
from django.conf import settings

from interop.pacs import delivery
from interop.pacs.exceptions import RetryLater

__all__ = ["retry_countdown", "send_to_pacs"]

logger = logging.getLogger(__name__)

# About 30 s, 1 min, 2 min ... capped at an hour: a PACS down for maintenance for a few
# hours is still caught up; after the last try the send is marked failed, with why.
# CUSTODIAN_PACS_RETRY_SECONDS and CUSTODIAN_PACS_MAX_RETRIES change both (the worker
# tests make them short).
MAX_RETRIES = 10
RETRY_SECONDS = 30.0
RETRY_SECONDS_MAX = 3600.0


def max_retries() -> int:
    return int(getattr(settings, "CUSTODIAN_PACS_MAX_RETRIES", MAX_RETRIES))


def retry_countdown(retries: int) -> float:
    """Seconds before retry number retries + 1: doubling, capped, jittered downwards.

    Half the delay is fixed and half random, so sends that failed together (a PACS
    restarting) do not all come back at once, and none comes back sooner than half.
    """
    first = float(getattr(settings, "CUSTODIAN_PACS_RETRY_SECONDS", RETRY_SECONDS))
    delay = min(RETRY_SECONDS_MAX, first * 2.0**retries)
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - not a secret


@shared_task(bind=True, name="interop.tasks.send_to_pacs", max_retries=None)
def send_to_pacs(self: Any, send_id: int) -> None:
    # Inline (embedded, no broker) a retry would surface as an exception in the request
    # that queued the send: one attempt there, and a failure shows on the send.
    inline = self.request.is_eager and self.app.conf.task_eager_propagates
    final = inline or self.request.retries >= max_retries()
    try:
        delivery.deliver_send(send_id=send_id, final=final)
    except RetryLater as exc:
        retries = self.request.retries
        countdown = 0.0 if self.request.is_eager else retry_countdown(retries)
        # The operator's view of the backoff (the send's row keeps the reason).
        logger.warning(
            "PACS send %s: %s Retry %d of %d in %.2f s.",
            send_id,
            exc,
            retries + 1,
            max_retries(),
            countdown,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
