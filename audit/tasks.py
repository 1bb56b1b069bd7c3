"""Celery adapters for the audit trail."""

from celery import shared_task

from audit import verification


@shared_task
def record_audit_checkpoint() -> None:
    verification.record_checkpoint()
