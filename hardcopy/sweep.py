"""The periodic sweep: nothing a paper record needs is lost with a task.

Celery can lose or delay a task (a killed worker, a broker restart). Every ten minutes
(settings.CELERY_BEAT_SCHEDULE) this re-queues copies stuck in rendering, re-sends
queued ones, and queues the automatic copy of any paper-record image that lacks one.
"""

from datetime import timedelta

from django.utils import timezone

from common.queue import enqueue
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage

STUCK_AFTER = timedelta(minutes=30)
SETTLE = timedelta(minutes=5)
LOOK_BACK = timedelta(days=30)
BATCH = 500


def sweep_hard_copies() -> dict[str, int]:
    """Re-queue lost rendering work and missing automatic copies; return the counts."""
    now = timezone.now()
    stuck = HardCopy.objects.filter(
        status=HardCopy.Status.RENDERING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=HardCopy.Status.QUEUED)
    waiting = list(
        HardCopy.objects.filter(
            status=HardCopy.Status.QUEUED, requested_at__lt=now - SETTLE
        ).values_list("pk", flat=True)[:BATCH]
    )
    missing = list(
        ClinicalImage.objects.active()
        .filter(
            patient__facility__electronic_record=False,
            uploaded_at__gte=now - LOOK_BACK,
            uploaded_at__lt=now - SETTLE,
            automatic_hard_copy__isnull=True,
        )
        .values_list("pk", flat=True)[:BATCH]
    )
    for pk in waiting:
        enqueue("hardcopy.tasks.render_hard_copy", pk)
    for pk in missing:
        enqueue("hardcopy.tasks.queue_paper_copy", pk)
    return {"stuck": stuck, "requeued": len(waiting), "missing": len(missing)}
