"""Review acts (keeping items, objecting) and the permanent, exportable register."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from retention.disposal import carry_out_disposal
from retention.exceptions import RetentionRefused
from retention.models import (
    DisposalBatch,
    DisposalItem,
    DisposalRecord,
    PermanentRecordError,
)
from retention.review import (
    approve_disposal,
    object_to_disposal,
    remove_disposal_items,
)
from retention.sweep import sweep_retention
from tests.retention.conftest import DUE_DAY, dispose_of_due

pytestmark = pytest.mark.django_db


def _proposed() -> DisposalBatch:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
    assert batch is not None
    return batch


def test_an_image_kept_in_review_is_not_destroyed(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    batch = _proposed()
    with time_machine.travel(DUE_DAY):
        remove_disposal_items(
            actor=records_manager,
            batch=batch,
            image_ids=[due_photo.pk],
            reason="Teaching case",
        )
        approve_disposal(actor=records_manager, batch=batch)
        approve_disposal(actor=records_manager2, batch=batch)
    with time_machine.travel(DUE_DAY + timedelta(days=8)):
        carry_out_disposal(batch_id=batch.pk)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    assert DisposalItem.objects.get().outcome == DisposalItem.Outcome.REMOVED
    assert not DisposalRecord.objects.exists()


def test_an_objection_in_the_waiting_period_stops_the_batch(
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
    django_user_model: type[User],
) -> None:
    batch = _proposed()
    with time_machine.travel(DUE_DAY):
        approve_disposal(actor=records_manager, batch=batch)
        approve_disposal(actor=records_manager2, batch=batch)
        object_to_disposal(
            actor=records_manager, batch=batch, reason="Patient complaint pending"
        )
    with time_machine.travel(DUE_DAY + timedelta(days=8)):
        carry_out_disposal(batch_id=batch.pk)
        with pytest.raises(RetentionRefused):
            approve_disposal(actor=records_manager2, batch=batch)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.OBJECTED
    assert AuditEvent.objects.filter(action="disposal_objected").count() == 1


def test_the_register_is_exported_and_cannot_be_changed(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    batch = dispose_of_due(records_manager, records_manager2)
    client = Client()
    client.force_login(records_manager)
    register = client.get("/retention/register.csv").content.decode()
    assert due_photo.patient.mrn in register
    assert due_photo.sha256 in register
    pdf = client.get(f"/retention/batches/{batch.public_id}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert due_photo.sha256.encode() in pdf.content
    entry = DisposalRecord.objects.get()
    with pytest.raises(PermanentRecordError):
        entry.delete()
    with pytest.raises(PermanentRecordError):
        DisposalRecord.objects.update(method="")
    entry.method = "changed"
    with pytest.raises(PermanentRecordError):
        entry.save()
    assert DisposalRecord.objects.get().method.startswith("Crypto-shredded")
