"""What a wrong-patient move asks of hard copies. Called inside the move's transaction.

A hard copy prints the patient's name, MRN and date of birth on every page, so a copy of
an image made before it moved shows it under the wrong patient:
- not yet printed: withdrawn from the print queue and its PDF deleted;
- printed or filed: kept, and flagged for someone to take it out of the wrong patient's
  paper record (the print queues list it until they confirm it);
- and where the facility keeps a paper record, a fresh copy is queued for the right
  patient, so the paper record ends up as it would have been.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from hardcopy import services
from hardcopy.models import PENDING, HardCopy, HardCopyItem
from hardcopy.retention import destroy_files, withdraw_copy
from imaging.models import ClinicalImage
from records.models import Patient

REASON = "image moved to another patient"


def correct_hard_copies(
    image: ClinicalImage,
    *,
    wrong_patient: Patient,
    actor: User,
    request: HttpRequest | None = None,
) -> list[HardCopy]:
    """Withdraw or flag the wrong patient's copies of the image; the copies to retrieve."""
    now = timezone.now()
    # Through the items (no DISTINCT): PostgreSQL refuses FOR UPDATE with DISTINCT.
    ids = HardCopyItem.objects.filter(image=image).values("hard_copy_id")
    copies = list(
        HardCopy.objects.select_for_update()
        .filter(pk__in=ids, patient=wrong_patient)
        .exclude(status=HardCopy.Status.WITHDRAWN)
        .order_by("pk")
    )
    to_retrieve = []
    for copy in copies:
        if copy.status in PENDING:
            destroy_files(copy, now)
            withdraw_copy(
                copy, image=image, reason=REASON, actor=actor, request=request
            )
            continue
        copy.retrieval_requested_at = now
        copy.save(update_fields=["retrieval_requested_at"])
        record_event(
            actor=actor,
            action=Action.HARD_COPY_RETRIEVAL,
            target=copy,
            patient=wrong_patient,
            request=request,
            detail={"image": str(image.public_id), "reason": REASON},
        )
        to_retrieve.append(copy)
    if copies and not image.patient.facility.electronic_record:
        services.queue_replacement_copy(image, actor=actor, request=request)
    return to_retrieve
