"""Celery adapters for legal exports: take ids, call the service, safe to run twice."""

from celery import shared_task

from legal import building, services


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def build_export_bundle(bundle_id: int) -> None:
    building.build_export_bundle(bundle_id=bundle_id)


@shared_task
def delete_expired_exports() -> None:
    services.delete_expired_exports()
