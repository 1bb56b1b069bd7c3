"""Celery adapters: take ids, call the service of the same name, safe to run twice."""

from celery import shared_task

from imaging.legal import building
from imaging.legal import services as legal_services
from imaging.services import derivatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_derivatives(image_id: int) -> None:
    derivatives.make_derivatives(image_id=image_id)


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def build_export_bundle(bundle_id: int) -> None:
    building.build_export_bundle(bundle_id=bundle_id)


@shared_task
def delete_expired_exports() -> None:
    legal_services.delete_expired_exports()
