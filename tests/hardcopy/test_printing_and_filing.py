"""Ward staff open a copy to print it and confirm they filed it; each step is audited."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from audit.models import AuditEvent
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from records.models import Facility, Patient, Ward
from tests.factories import capture, jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(nurse: User, patient: Patient, paper_record: Facility) -> HardCopy:
    with TestCase.captureOnCommitCallbacks(execute=True):
        capture(actor=nurse, patient=patient)
    return HardCopy.objects.get()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_print_queue_lists_the_wards_waiting_copies(
    nurse: User, ward: Ward, queued: HardCopy
) -> None:
    page = _client(nurse).get(reverse("hardcopies:queue", args=[ward.public_id]))
    assert page.status_code == 200
    assert "CITIZEN, Jane" in page.content.decode()
    assert "Open to print" in page.content.decode()


def test_opening_a_copy_shows_the_pdf_inline_and_records_the_print(
    nurse: User, queued: HardCopy
) -> None:
    response = _client(nurse).post(
        reverse("hardcopies:print", args=[queued.public_id]), {"file": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    queued.refresh_from_db()
    assert queued.status == "printed"
    assert queued.printed_by == nurse
    event = AuditEvent.objects.get(action="print")
    assert event.actor == nurse
    assert event.object_id == str(queued.public_id)
    assert event.patient_public_id == queued.patient.public_id


def test_filing_is_confirmed_by_the_person_who_filed_it_and_audited(
    nurse: User, queued: HardCopy
) -> None:
    client = _client(nurse)
    client.post(reverse("hardcopies:print", args=[queued.public_id]))
    response = client.post(reverse("hardcopies:filed", args=[queued.public_id]))
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == "filed"
    assert queued.filed_by == nurse
    assert queued.filed_at is not None
    event = AuditEvent.objects.get(action="filed")
    assert event.actor == nurse
    assert event.object_id == str(queued.public_id)


def test_a_copy_cannot_be_filed_before_it_is_printed(
    nurse: User, queued: HardCopy
) -> None:
    response = _client(nurse).post(
        reverse("hardcopies:filed", args=[queued.public_id]), follow=True
    )
    assert "Print the hard copy before" in response.content.decode()
    queued.refresh_from_db()
    assert queued.status == "ready"
    assert not AuditEvent.objects.filter(action="filed").exists()


def test_an_unfiled_copy_is_flagged_overdue_on_the_queue_and_to_the_records_manager(
    nurse: User,
    records_manager: User,
    ward: Ward,
    queued: HardCopy,
    settings: object,
    time_machine: TimeMachineFixture,
) -> None:
    settings.CUSTODIAN_HARD_COPY_OVERDUE_DAYS = 3  # type: ignore[attr-defined]
    queue_url = reverse("hardcopies:queue", args=[ward.public_id])
    assert "Overdue" not in _client(nurse).get(queue_url).content.decode()
    time_machine.move_to(timezone.now() + timedelta(days=3, hours=1))
    assert "Overdue: not filed" in _client(nurse).get(queue_url).content.decode()
    manager = _client(records_manager)
    home = manager.get(reverse("hardcopies:index")).content.decode()
    assert "1 hard copy not filed in time" in home
    overdue = manager.get(reverse("hardcopies:overdue")).content.decode()
    assert "CITIZEN, Jane" in overdue
    assert "Ward 5A Surgical" in overdue


def test_anyone_entitled_may_request_a_selection_of_a_patients_images(
    nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    second = capture(
        actor=nurse, patient=patient, data=jpeg_bytes(color="navy"), body_site="Heel"
    )
    client = _client(nurse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("hardcopies:request-patient", args=[patient.public_id]),
            {"images": [str(second.public_id)], "layout": "single"},
        )
    assert response.status_code == 302
    copy = HardCopy.objects.get()
    assert list(copy.images.all()) == [second]
    assert copy.requested_by == nurse
    assert copy.status == "ready"
    assert AuditEvent.objects.get(action="print_requested").actor == nurse
