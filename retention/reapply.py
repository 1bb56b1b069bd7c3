"""Destroying again, after a restore, what the exported register says was destroyed.

A database (and key store, and bucket) restored from before a disposal brings the image
back: its row active, its key and objects present, its register entry gone. Each exported
entry is checked against the restored state and, where anything came back, the disposal
is carried out again as retention.disposal does it, one image per transaction, with its
register entry made again from the export and a DISPOSAL_REAPPLIED audit event.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction

from audit.services import Action, record_event
from imaging import hooks
from imaging.models import ClinicalImage
from retention.disposal import destroy_image, discard
from retention.models import DisposalBatch, DisposalItem, DisposalRecord
from retention.register_export import ExportedEntry
from vault import blobs
from vault.models import DataKey

REAPPLY = "re-apply"
HELD = "already disposed"
UNKNOWN = "unknown image"


@dataclass(frozen=True)
class Finding:
    """What one exported entry finds in the restored database, and what came back."""

    entry: ExportedEntry
    outcome: str
    undone: list[str]


def _image(entry: ExportedEntry, *, lock: bool = False) -> ClinicalImage | None:
    images = ClinicalImage.objects.select_related("patient__facility")
    if lock:
        images = images.select_for_update(of=("self",))
    return images.filter(public_id=entry.image_public_id).first()


def _names(entry: ExportedEntry, image: ClinicalImage) -> set[str]:
    derived = image.derivatives.values_list("storage_name", flat=True)
    names = {*entry.fields["storage_names"], image.storage_name, *derived}
    return {name for name in names if name}


def _key_ids(image: ClinicalImage) -> list[UUID]:
    shown_with = [
        k for keys_of in hooks.keys_shown_with for k in keys_of(image.public_id)
    ]
    return [image.public_id, *shown_with]


def _undone(entry: ExportedEntry, image: ClinicalImage) -> list[str]:
    """What of the disposal the restore brought back, in words; empty if nothing."""
    keys = DataKey.objects.using(blobs.keys_database())
    checks = [
        (image.status != ClinicalImage.Status.DISPOSED, "image not disposed"),
        (
            not DisposalRecord.objects.filter(image_public_id=image.public_id).exists(),
            "register entry missing",
        ),
        (
            keys.filter(image_public_id__in=_key_ids(image)).exists(),
            "data key present",
        ),
        (
            any(default_storage.exists(n) for n in _names(entry, image)),
            "objects present",
        ),
    ]
    return [words for came_back, words in checks if came_back]


def assess(entry: ExportedEntry) -> Finding:
    """Whether the entry's disposal holds in this database (reads only)."""
    image = _image(entry)
    if image is None:
        return Finding(entry, UNKNOWN, [])
    undone = _undone(entry, image)
    return Finding(entry, REAPPLY if undone else HELD, undone)


def _moment(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _batch(entry: ExportedEntry) -> tuple[DisposalBatch, bool]:
    """The entry's batch, made again (as carried out) if the restore predates it."""
    found = DisposalBatch.objects.filter(public_id=entry.batch_public_id).first()
    if found is not None:
        return found, False
    detail = entry.batch_detail
    batch = DisposalBatch.objects.create(
        public_id=entry.batch_public_id,
        status=DisposalBatch.Status.COMPLETED,
        due_on=date.fromisoformat(detail["due_on"]),
        proposed_by=_user(detail.get("proposed_by", "")),
        first_approved_by=_user(detail.get("first_approved_by", "")),
        first_approved_at=_moment(detail.get("first_approved_at", "")),
        second_approved_by=_user(detail.get("second_approved_by", "")),
        second_approved_at=_moment(detail.get("second_approved_at", "")),
        effective_at=_moment(detail.get("effective_at", "")),
        completed_at=entry.destroyed_at,
    )
    # proposed_at is set on creation; the batch was proposed when the export says.
    proposed_at = _moment(detail.get("proposed_at", "")) or entry.destroyed_at
    DisposalBatch.objects.filter(pk=batch.pk).update(proposed_at=proposed_at)
    return batch, True


def _record(entry: ExportedEntry, batch: DisposalBatch) -> DisposalRecord:
    found = DisposalRecord.objects.filter(image_public_id=entry.image_public_id).first()
    return found or DisposalRecord.objects.create(**entry.fields, batch=batch)


@transaction.atomic
def reapply_disposal(*, entry: ExportedEntry) -> Finding:
    """Carry out an exported disposal again wherever a restore undid any of it."""
    image = _image(entry, lock=True)
    if image is None:
        return Finding(entry, UNKNOWN, [])
    undone = _undone(entry, image)
    if not undone:
        return Finding(entry, HELD, [])
    names = _names(entry, image)
    batch, remade = _batch(entry)
    record = _record(entry, batch)
    if image.status != ClinicalImage.Status.DISPOSED:
        destroy_image(image, record.destroyed_at)
    DisposalItem.objects.update_or_create(
        batch=batch,
        image=image,
        defaults={"outcome": DisposalItem.Outcome.DISPOSED},
        create_defaults={
            "retain_until": record.retain_until,
            "basis": record.basis,
            "outcome": DisposalItem.Outcome.DISPOSED,
        },
    )
    record_event(
        actor=None,
        action=Action.DISPOSAL_REAPPLIED,
        target=image,
        patient=image.patient,
        detail={
            "batch": str(batch.public_id),
            "batch_remade": remade,
            "basis": record.basis,
            "destroyed_at": record.destroyed_at.isoformat(),
            "undone": undone,
            "exported_in": entry.where,
        },
    )

    def after_commit() -> None:
        discard(record)
        for name in names:
            blobs.discard(name)

    transaction.on_commit(after_commit)
    return Finding(entry, REAPPLY, undone)
