"""Celery adapters of the feed part: take ids, call the service, safe to run twice."""

from celery import shared_task

from interop.feed import services

__all__ = ["purge_feed_journal"]


@shared_task(name="interop.feed.tasks.purge_feed_journal")
def purge_feed_journal() -> int:
    return services.purge_feed_journal()
