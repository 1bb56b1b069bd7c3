"""Sweep, two approvals, a waiting period, then destruction that leaves a register entry."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from imaging.models import ClinicalImage, Derivative
from legal.holds import place_legal_hold
from retention.disposal import carry_out_disposal, dispose_item
from retention.exceptions import RetentionRefused
from retention.facts import set_medico_legal_flag
from retention.models import DisposalBatch, DisposalItem, DisposalRecord
from retention.review import approve_disposal, start_disposal
from retention.sweep import sweep_retention
from tests.retention.conftest import DUE_DAY
from vault import blobs, crypto
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _approved(first: User, second: User) -> DisposalBatch:
    result = sweep_retention(actor=None)
    assert result.batch is not None
    approve_disposal(actor=first, batch=result.batch)
    return approve_disposal(actor=second, batch=result.batch)


def test_the_sweep_proposes_an_image_past_its_date_and_not_before(
    due_photo: ClinicalImage,
) -> None:
    assert sweep_retention(actor=None).batch is None
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
    assert batch is not None
    item = DisposalItem.objects.get(batch=batch)
    assert item.image_id == due_photo.pk
    assert item.retain_until == due_photo.retain_until
    assert AuditEvent.objects.filter(action="disposal_proposed").count() == 1


def test_a_dry_run_counts_what_is_due_and_writes_nothing(
    due_photo: ClinicalImage,
) -> None:
    events = AuditEvent.objects.count()
    with time_machine.travel(DUE_DAY):
        assert sweep_retention(actor=None, dry_run=True).due == 1
    assert not DisposalBatch.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_proposer_cannot_approve_and_the_first_approver_cannot_approve_twice(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=records_manager).batch
        assert batch is not None
        with pytest.raises(RetentionRefused):
            approve_disposal(actor=records_manager, batch=batch)
        approve_disposal(actor=records_manager2, batch=batch)
        approvals = AuditEvent.objects.filter(action="disposal_approved").count()
        with pytest.raises(RetentionRefused):
            approve_disposal(actor=records_manager2, batch=batch)
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.APPROVED_ONCE
    assert batch.second_approved_by is None
    assert AuditEvent.objects.filter(action="disposal_approved").count() == approvals


def test_nothing_is_destroyed_before_the_waiting_period_ends(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = _approved(records_manager, records_manager2)
        with pytest.raises(RetentionRefused):
            start_disposal(actor=records_manager, batch=batch)
        carry_out_disposal(batch_id=batch.pk)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    assert not DisposalRecord.objects.exists()


def test_disposal_shreds_the_key_removes_the_blobs_and_writes_the_register(
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with default_storage.open(due_photo.storage_name, "rb") as handle:
        stolen_copy = handle.read()
    derivative_names = list(
        Derivative.objects.filter(image=due_photo).values_list(
            "storage_name", flat=True
        )
    )
    with time_machine.travel(DUE_DAY):
        batch = _approved(records_manager, records_manager2)
    with (
        time_machine.travel(DUE_DAY + timedelta(days=8)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        start_disposal(actor=records_manager, batch=batch)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.DISPOSED
    assert derivative_names
    assert not DataKey.objects.filter(image_public_id=due_photo.public_id).exists()
    for name in [due_photo.storage_name, *derivative_names]:
        assert not default_storage.exists(name)
    entry = DisposalRecord.objects.get(image_public_id=due_photo.public_id)
    assert (entry.patient_mrn, entry.sha256) == (
        due_photo.patient.mrn,
        due_photo.sha256,
    )
    assert "NSW HRIPA s25" in entry.basis
    assert "manager" in entry.approvers
    assert entry.printed_copy_exists is False
    # The copy taken before disposal opens with no key that is left.
    for row in DataKey.objects.all():
        key = crypto.unwrap_key(
            bytes(row.wrapped_key), context=str(row.image_public_id)
        )
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_bytes(stolen_copy, key)
    with pytest.raises(DataKey.DoesNotExist):
        blobs.data_key(due_photo.public_id)


def test_running_the_disposal_twice_is_harmless(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = _approved(records_manager, records_manager2)
    with time_machine.travel(DUE_DAY + timedelta(days=8)):
        carry_out_disposal(batch_id=batch.pk)
        carry_out_disposal(batch_id=batch.pk)
        item = DisposalItem.objects.get(batch=batch)
        assert dispose_item(item_id=item.pk) == "disposed"
    assert DisposalRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="disposed").count() == 1
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.COMPLETED


def test_a_hold_placed_after_approval_wins(
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
    legal_officer: User,
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = _approved(records_manager, records_manager2)
        place_legal_hold(
            actor=legal_officer, reason="Claim foreseen", patients=[due_photo.patient]
        )
    with time_machine.travel(DUE_DAY + timedelta(days=8)):
        carry_out_disposal(batch_id=batch.pk)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    assert default_storage.exists(due_photo.storage_name)
    assert DataKey.objects.filter(image_public_id=due_photo.public_id).exists()
    assert not DisposalRecord.objects.exists()
    assert DisposalItem.objects.get(batch=batch).note == "under a legal hold"


def test_a_flagged_image_is_never_proposed(
    due_photo: ClinicalImage, records_manager: User
) -> None:
    set_medico_legal_flag(
        actor=records_manager,
        kind="complaint",
        reason="Complaint lodged",
        patient=due_photo.patient,
    )
    with time_machine.travel(DUE_DAY):
        assert sweep_retention(actor=None).batch is None
    assert AuditEvent.objects.filter(action="flag_set").count() == 1


def test_an_active_image_cannot_be_deleted_through_the_orm(
    wound_photo: ClinicalImage,
) -> None:
    from imaging.models import ImageDeletionRefused

    with pytest.raises(ImageDeletionRefused):
        wound_photo.delete()
    with pytest.raises(ImageDeletionRefused):
        ClinicalImage.objects.all().delete()
    assert ClinicalImage.objects.filter(pk=wound_photo.pk).exists()
