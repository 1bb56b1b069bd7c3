"""Celery adapters: take ids, call the service of the same name, safe to run twice."""

from celery import shared_task

from imaging.legal import building
from imaging.legal import services as legal_services
from imaging.services import derivatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_derivatives(image_id: int) -> None:
    derivatives.make_derivatives(image_id=image_id)


# Hard-copy tasks, re-exported so that workers (which discover imaging.tasks) register them
# and the ingest service can enqueue the paper-record copy.
from imaging.hardcopy.tasks import queue_paper_copy as queue_paper_copy  # noqa: E402
from imaging.hardcopy.tasks import render_hard_copy as render_hard_copy  # noqa: E402
from imaging.hardcopy.tasks import sweep_hard_copies as sweep_hard_copies  # noqa: E402


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def build_export_bundle(bundle_id: int) -> None:
    building.build_export_bundle(bundle_id=bundle_id)


@shared_task
def delete_expired_exports() -> None:
    legal_services.delete_expired_exports()
