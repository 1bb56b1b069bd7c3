"""Pointing this process's Celery app at a broker (and back) for tests that need one."""

from collections.abc import Iterator
from contextlib import contextmanager

from config.celery import app as celery_app


def _point_app_at(broker_url: str | None, *, eager: bool) -> None:
    # The write URL, because Celery prefers a CELERY_BROKER_URL in the environment (CI
    # sets one) over broker_url in its configuration, but not over broker_write_url.
    celery_app.conf.broker_write_url = broker_url
    celery_app.conf.task_always_eager = eager
    # Drop pooled connections to the previous broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_sending_to(broker_url: str) -> Iterator[None]:
    """Tasks sent in this block go to the broker at broker_url, not inline."""
    previous = (
        celery_app.conf.get("broker_write_url"),
        celery_app.conf.task_always_eager,
    )
    _point_app_at(broker_url, eager=False)
    try:
        yield
    finally:
        _point_app_at(previous[0], eager=previous[1])
