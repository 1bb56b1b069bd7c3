"""Celery adapters of the feed part: take ids, call the service, safe to run twice."""

__all__: list[str] = []
