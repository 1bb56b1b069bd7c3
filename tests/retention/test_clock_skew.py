"""Fault drill: a worker whose clock runs 10 minutes fast (docs/operations.md)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User

from audit.services import Action, record_event
from audit.verification import verify_chain
from imaging.models import ClinicalImage
from retention.disposal import carry_out_disposal
from retention.models import DisposalRecord
from retention.review import approve_disposal
from retention.sweep import sweep_retention
from tests.retention.conftest import SYDNEY

pytestmark = [pytest.mark.django_db, pytest.mark.drill]
FAST = timedelta(minutes=10)


def test_a_fast_worker_destroys_nothing_before_the_waiting_period_ends(
    due_photo: ClinicalImage, records_manager: User, records_manager2: User
) -> None:
    assert due_photo.retain_until is not None
    # The first minutes of the day after retain-until, on the worker's fast clock.
    due = datetime.combine(
        due_photo.retain_until + timedelta(days=1), datetime.min.time(), SYDNEY
    )
    with time_machine.travel(due + timedelta(minutes=5), tick=False):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        approve_disposal(actor=records_manager, batch=batch)
        batch = approve_disposal(actor=records_manager2, batch=batch)
    assert batch.effective_at is not None
    # Twenty minutes before the wait ends, the fast worker's clock says ten before.
    with time_machine.travel(batch.effective_at - FAST, tick=False):
        carry_out_disposal(batch_id=batch.pk)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    assert not DisposalRecord.objects.exists()
    with time_machine.travel(batch.effective_at + FAST, tick=False):
        carry_out_disposal(batch_id=batch.pk)
    record = DisposalRecord.objects.get()
    wait = timedelta(days=settings.CUSTODIAN_DISPOSAL_WAIT_DAYS)
    assert record.destroyed_at >= due + wait


def test_events_from_a_fast_worker_keep_the_trail_in_commit_order(
    due_photo: ClinicalImage, records_manager: User
) -> None:
    patient = due_photo.patient
    with time_machine.travel(datetime.now(tz=SYDNEY) + FAST, tick=False):
        fast = record_event(actor=records_manager, action=Action.VIEW, patient=patient)
    after = record_event(actor=records_manager, action=Action.VIEW, patient=patient)
    # The fast clock's event reads later than the one committed after it ...
    assert fast.occurred_at > after.occurred_at
    assert after.sequence == fast.sequence + 1
    # ... and the chain, ordered by commit, still proves itself.
    assert verify_chain().ok
