"""Celery adapters of the pacs part: take ids, call the service, safe to run twice."""

__all__: list[str] = []
