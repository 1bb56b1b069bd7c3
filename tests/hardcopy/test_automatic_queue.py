"""A paper-record facility's new image queues exactly one hard copy on its ward."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone
from time_machine import TimeMachineFixture

from audit.models import AuditEvent
from hardcopy import tasks
from hardcopy.models import HardCopy, HardCopyFile
from hardcopy.sweep import sweep_hard_copies
from records.models import Facility, Patient, Ward
from tests.factories import capture

pytestmark = pytest.mark.django_db


def test_an_upload_at_a_paper_record_facility_lands_in_the_wards_print_queue(
    nurse: User, patient: Patient, ward: Ward, paper_record: Facility
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        image = capture(actor=nurse, patient=patient)
    copy = HardCopy.objects.get()
    assert copy.automatic_for == image
    assert copy.origin == "automatic"
    assert copy.ward == ward
    assert copy.status == "ready"
    assert copy.page_count == 1
    actions = list(
        AuditEvent.objects.filter(object_id=str(copy.public_id)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["print_requested", "hard_copy_rendered"]


def test_the_task_running_twice_still_makes_one_hard_copy(
    nurse: User, patient: Patient, paper_record: Facility, media_root: Path
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        image = capture(actor=nurse, patient=patient)
    with TestCase.captureOnCommitCallbacks(execute=True):
        tasks.queue_paper_copy.delay(image.pk)
        tasks.queue_paper_copy.delay(image.pk)
        tasks.render_hard_copy.delay(HardCopy.objects.get().pk)
    assert HardCopy.objects.count() == 1
    assert HardCopyFile.objects.count() == 1
    assert AuditEvent.objects.filter(action="hard_copy_rendered").count() == 1
    assert len(list((media_root / "hardcopies").rglob("*.enc"))) == 1


def test_an_electronic_record_facility_prints_nothing_by_itself(
    nurse: User, patient: Patient
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        capture(actor=nurse, patient=patient)
    assert not HardCopy.objects.exists()
    assert not AuditEvent.objects.filter(action="print_requested").exists()


def test_the_sweep_queues_a_copy_whose_task_was_lost(
    nurse: User,
    patient: Patient,
    paper_record: Facility,
    time_machine: TimeMachineFixture,
) -> None:
    # No on-commit callbacks run here: as if the broker lost the task.
    image = capture(actor=nurse, patient=patient)
    assert not HardCopy.objects.exists()
    time_machine.move_to(timezone.now() + timedelta(minutes=10))
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_hard_copies()
    assert counts["missing"] == 1
    assert HardCopy.objects.get().automatic_for == image
    assert HardCopy.objects.get().status == "ready"
