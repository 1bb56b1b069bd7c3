"""What disposal (issue 6) asks of hard copies. Call both inside the disposal transaction.

- destroy_pending_hard_copies(image): removes every stored PDF that shows the image and
  withdraws its copies that were not yet printed from the print queues.
- printed_copy_exists(image): True when a printed (or filed) paper copy exists, which the
  disposal register must note and which must be destroyed by hand.
- own_key_copies_of(image public id): the copies with a key of their own that showed the
  image, whose keys disposal destroys again when it resumes.
"""

from datetime import datetime
from functools import partial
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Action, record_event
from hardcopy.models import PENDING, HardCopy, HardCopyFile, HardCopyItem
from imaging.models import ClinicalImage
from vault import blobs


def destroy_pending_hard_copies(
    image: ClinicalImage, *, actor: User | None = None
) -> int:
    """Withdraw the image's unprinted hard copies and delete every stored PDF of it."""
    now = timezone.now()
    # Through the items (no DISTINCT): PostgreSQL refuses FOR UPDATE with DISTINCT.
    ids = HardCopyItem.objects.filter(image=image).values("hard_copy_id")
    copies = list(
        HardCopy.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    )
    withdrawn = 0
    for copy in copies:
        destroy_files(copy, now)
        if copy.status in PENDING:
            withdraw_copy(copy, image=image, reason="image disposed", actor=actor)
            withdrawn += 1
        if copy.has_own_key:
            # Crypto-shred the copy as disposal shreds the image's own key.
            blobs.shred_data_keys([copy.public_id])
    return withdrawn


def withdraw_copy(
    copy: HardCopy,
    *,
    image: ClinicalImage,
    reason: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> None:
    """Take a copy not yet printed out of its print queue, audited (copy locked)."""
    copy.status = HardCopy.Status.WITHDRAWN
    copy.withdrawn_at = timezone.now()
    copy.save(update_fields=["status", "withdrawn_at"])
    record_event(
        actor=actor,
        action=Action.HARD_COPY_WITHDRAWN,
        target=copy,
        patient=copy.patient,
        request=request,
        detail={"image": str(image.public_id), "reason": reason},
    )


def destroy_files(copy: HardCopy, now: datetime) -> None:
    for pdf_file in HardCopyFile.objects.filter(
        hard_copy=copy, destroyed_at__isnull=True
    ):
        name = pdf_file.storage_name
        pdf_file.storage_name = ""
        pdf_file.destroyed_at = now
        pdf_file.save(update_fields=["storage_name", "destroyed_at"])
        # Delete the object only once the disposal commits, or a rollback would leave a
        # row pointing at nothing.
        transaction.on_commit(partial(blobs.discard, name))


def printed_copy_exists(image: ClinicalImage) -> bool:
    """True if a paper copy of the image was printed: it must be destroyed by hand."""
    return HardCopy.objects.filter(images=image, printed_at__isnull=False).exists()


def own_key_copies_of(image_public_id: UUID) -> list[UUID]:
    """Public ids of the hard copies with a key of their own that show the image."""
    return list(
        HardCopy.objects.filter(
            has_own_key=True, items__image__public_id=image_public_id
        ).values_list("public_id", flat=True)
    )
