"""/feed/: records managers and administrators read the journal and retry parked messages."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.roles import Role
from audit.models import AuditEvent
from interop.feed.services import handle
from interop.hl7 import MllpServer
from interop.models import FeedMessage
from records.models import Encounter, FacilityAssignment, Ward
from tests.conftest import staff_on
from tests.factories import UserFactory
from tests.interop.feedkit import code_of, exchange_files, harbour
from tests.interop.mllp import corpus

pytestmark = pytest.mark.django_db(transaction=True)

Start = Callable[..., MllpServer]


def _records_manager_of_rhh() -> User:
    rhh = harbour()
    manager = UserFactory(username="rm", role=Role.RECORDS_MANAGER)
    FacilityAssignment.objects.create(user=manager, facility=rhh)
    return manager


def test_a_parked_message_is_applied_by_a_retry_once_the_ward_exists(
    listener: Start, client: Client
) -> None:
    manager = _records_manager_of_rhh()
    Ward.objects.filter(code="5A").delete()
    (ack,) = exchange_files(listener(handle), "a01_admit_5a_mrn_ihi_medicare.hl7")
    assert code_of(ack) == "AE"
    parked = FeedMessage.objects.get(outcome="parked")
    client.force_login(manager)

    page = client.get("/feed/", {"outcome": "parked"})
    assert page.status_code == 200
    assert b"RHH000101" in page.content
    Ward.objects.create(
        facility=manager.facility_assignments.get().facility, code="5A", name="5A"
    )
    response = client.post(f"/feed/{parked.public_id}/retry/")

    assert response.status_code == 302
    parked.refresh_from_db()
    assert parked.outcome == "AA"
    assert Encounter.objects.get().ward.code == "5A"


def test_reading_a_message_is_recorded(client: Client) -> None:
    manager = _records_manager_of_rhh()
    handle(corpus("a05_preadmit.hl7"))
    entry = FeedMessage.objects.get()
    client.force_login(manager)

    response = client.get(f"/feed/{entry.public_id}/")

    assert response.status_code == 200
    assert b"A05" in response.content
    assert AuditEvent.objects.filter(
        action="view", object_id=str(entry.public_id)
    ).exists()


def test_ward_staff_are_refused_the_journal_and_leave_no_trace(client: Client) -> None:
    harbour()
    handle(corpus("a05_preadmit.hl7"))
    entry = FeedMessage.objects.get()
    nurse = staff_on(Ward.objects.get(code="5A"), username="nurse")
    client.force_login(nurse)
    before = AuditEvent.objects.count()

    assert client.get("/feed/").status_code == 403
    assert client.get(f"/feed/{entry.public_id}/").status_code == 403
    assert client.post(f"/feed/{entry.public_id}/retry/").status_code == 403
    assert AuditEvent.objects.count() == before


def test_a_records_manager_of_another_facility_does_not_see_the_message(
    client: Client,
) -> None:
    harbour()
    handle(corpus("a05_preadmit.hl7"))
    entry = FeedMessage.objects.get()
    elsewhere = UserFactory(username="rm2", role=Role.RECORDS_MANAGER)
    client.force_login(elsewhere)

    assert b"A05" not in client.get("/feed/").content
    assert client.get(f"/feed/{entry.public_id}/").status_code == 404
