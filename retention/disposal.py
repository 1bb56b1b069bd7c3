"""Carrying out an approved batch: one image per transaction, register entry first.

Safe to run twice and resumable: items are claimed by their outcome, a disposed image is
never touched again, and storage objects named in the register are removed after commit
(and again on any later run), because a file deleted inside a transaction that then rolls
back could not be brought back. Data keys kept in a database of their own (deployment.md
§6) are destroyed the same way: after the register entry commits, and again on any later
run, so a crash never destroys a key whose register entry did not commit. Each register
entry is also exported off the database after it commits (retention.register_export), and
the batch completes only once every one of its entries is in the export.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Action, record_event
from imaging import hooks
from imaging.models import ClinicalImage, Derivative
from retention.compute import UNVERIFIED, recompute_for_facility
from retention.facts import is_flagged
from retention.models import DisposalBatch, DisposalItem, DisposalRecord
from retention.register_export import ensure_exported, export_after_commit
from retention.verification import NOT_VERIFIED
from vault import blobs

Status = DisposalBatch.Status
Outcome = DisposalItem.Outcome
METHOD = "Crypto-shredded (data key destroyed); original and derivatives deleted"


def _approvers(batch: DisposalBatch) -> str:
    names = [batch.first_approved_by, batch.second_approved_by]
    return "; ".join(f"{u.get_full_name()} ({u.get_username()})" for u in names if u)


def _reason_to_keep(image: ClinicalImage) -> str:
    """Every condition, asked again at the moment of destruction."""
    recompute_for_facility(image.patient.facility, patient_ids=[image.patient_id])
    image.refresh_from_db()
    if image.status != ClinicalImage.Status.ACTIVE:
        return "no longer active"
    if image.retain_until is None or image.retain_until >= timezone.localdate():
        return "no longer due"
    if image.retention_basis.endswith(UNVERIFIED):
        return NOT_VERIFIED
    if reasons := hooks.keep_reasons(image):
        return reasons[0]
    if is_flagged(image):
        return "medico-legal flag"
    return ""


def _register(image: ClinicalImage, batch: DisposalBatch) -> DisposalRecord:
    names = [
        image.storage_name,
        *image.derivatives.values_list("storage_name", flat=True),
    ]
    return DisposalRecord.objects.create(
        image_public_id=image.public_id,
        facility_code=image.patient.facility.code,
        patient_mrn=image.patient.mrn,
        patient_name=image.patient.full_name,
        sha256=image.sha256,
        captured_at=image.captured_at,
        retain_until=image.retain_until or timezone.localdate(),
        basis=image.retention_basis,
        batch=batch,
        approvers=_approvers(batch),
        destroyed_at=timezone.now(),
        method=METHOD,
        printed_copy_exists=any(exists(image) for exists in hooks.paper_copies_exist),
        storage_names=[name for name in names if name],
    )


def destroy_image(image: ClinicalImage, destroyed_at: datetime) -> None:
    """Everything of the image the database holds; its objects go after commit."""
    # Hard copies inherit retention: unprinted ones go with the image; a printed one is
    # noted in the register entry, to be destroyed by hand from the paper record.
    for destroy in hooks.image_disposing:
        destroy(image)
    blobs.shred_data_keys([image.public_id])
    Derivative.objects.filter(image=image).delete()
    ClinicalImage.objects.filter(pk=image.pk).update(
        status=ClinicalImage.Status.DISPOSED, disposed_at=destroyed_at
    )


def discard(record: DisposalRecord) -> None:
    """Destroy the data keys and delete the objects a register entry names."""
    shown_with = [
        key
        for keys_of in hooks.keys_shown_with
        for key in keys_of(record.image_public_id)
    ]
    blobs.shred_data_keys([record.image_public_id, *shown_with])
    for name in record.storage_names:
        blobs.discard(name)


@transaction.atomic
def dispose_item(*, item_id: int) -> str:
    """Destroy one image of a batch, or keep it if anything now says so; the outcome."""
    item = (
        DisposalItem.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=item_id)
    )
    if item.outcome != Outcome.PENDING or item.batch.status != Status.DISPOSING:
        return str(item.outcome)
    image = (
        ClinicalImage.objects.select_for_update(of=("self",))
        .select_related("patient__facility")
        .get(pk=item.image_id)
    )
    keep = _reason_to_keep(image)
    if keep:
        item.outcome, item.note = Outcome.KEPT, keep
        item.save(update_fields=["outcome", "note"])
        return str(item.outcome)
    record = _register(image, item.batch)
    destroy_image(image, record.destroyed_at)
    item.outcome = Outcome.DISPOSED
    item.save(update_fields=["outcome"])
    record_event(
        actor=None,
        action=Action.DISPOSED,
        target=image,
        patient=image.patient,
        detail={"batch": str(item.batch.public_id), "basis": record.basis},
    )
    transaction.on_commit(lambda: discard(record))
    export_after_commit(record)
    return str(item.outcome)


def _claim(batch_id: int) -> bool:
    """Move an approved, effective batch to disposing; true if it is (now) disposing."""
    due = Q(status=Status.APPROVED, effective_at__lte=timezone.now())
    DisposalBatch.objects.filter(due, pk=batch_id).update(status=Status.DISPOSING)
    return DisposalBatch.objects.filter(pk=batch_id, status=Status.DISPOSING).exists()


def carry_out_disposal(*, batch_id: int) -> None:
    """Dispose of every pending item of an effective batch; resume where a run stopped."""
    if not _claim(batch_id):
        return
    pending = DisposalItem.objects.filter(batch_id=batch_id, outcome=Outcome.PENDING)
    for item_id in pending.values_list("pk", flat=True).iterator():
        dispose_item(item_id=item_id)
    records = DisposalRecord.objects.filter(batch_id=batch_id).select_related(
        "batch__proposed_by", "batch__first_approved_by", "batch__second_approved_by"
    )
    for record in records.iterator():
        discard(record)
    # Until the export holds every entry the batch stays disposing (retried hourly).
    if not ensure_exported(records):
        return
    DisposalBatch.objects.filter(pk=batch_id, status=Status.DISPOSING).update(
        status=Status.COMPLETED, completed_at=timezone.now()
    )


def carry_out_due_disposals() -> None:
    """Carry out every batch whose waiting period is over, and finish interrupted ones."""
    ready = Q(status=Status.APPROVED, effective_at__lte=timezone.now()) | Q(
        status=Status.DISPOSING
    )
    for batch_id in DisposalBatch.objects.filter(ready).values_list("pk", flat=True):
        carry_out_disposal(batch_id=batch_id)
