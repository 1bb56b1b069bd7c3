"""A feed source changes the default mapping of DESIGN §9 for one sending application."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from interop.feed.services import handle
from interop.hl7 import MllpServer
from interop.models import FeedMessage, FeedSource
from records.models import Facility, Patient
from tests.interop.feedkit import code_of, exchange, harbour
from tests.interop.mllp import corpus

pytestmark = pytest.mark.django_db(transaction=True)

Start = Callable[..., MllpServer]


def test_a_source_whose_mrn_has_another_authority_is_read_through_its_mapping(
    listener: Start,
) -> None:
    rhh = harbour()
    FeedSource.objects.create(
        sending_application="IPM",
        sending_facility="RHH",
        facility=rhh,
        mrn_authority="RHHPAS",
    )
    admission = corpus("a01_admit_5a_mrn_ihi_medicare.hl7").replace(
        b"0412345^^^RHH^MR", b"0412345^^^RHHPAS^MR"
    )

    (ack,) = exchange(listener(handle), admission)

    assert code_of(ack) == "AA"
    assert Patient.objects.get().identifiers.filter(system="RHH").exists()
    assert FeedMessage.objects.get().source is not None


def test_an_inactive_source_is_rejected_and_nothing_is_applied(listener: Start) -> None:
    rhh = harbour()
    FeedSource.objects.create(
        sending_application="IPM",
        sending_facility="RHH",
        facility=rhh,
        is_active=False,
    )

    (ack,) = exchange(listener(handle), corpus("a01_admit_5a_mrn_ihi_medicare.hl7"))

    assert code_of(ack) == "AR"
    assert not Patient.objects.exists()
    assert FeedMessage.objects.get().outcome == "AR"


def test_an_administrator_adds_a_source_in_the_admin(
    client: Client, administrator: User
) -> None:
    facility = Facility.objects.create(
        code="WCH",
        name="Wattle Creek",
        jurisdiction="WA",
        sector="public",
        time_zone="Australia/Perth",
    )
    client.force_login(administrator)

    response = client.post(
        "/admin/interop/feedsource/add/",
        {
            "sending_application": "IPM",
            "sending_facility": "WCH",
            "facility": facility.pk,
            "mrn_authority": "",
            "ihi_authority": "AUSHIC",
            "death_dispositions": "8,20,DIE,DEC",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert FeedSource.objects.get().facility == facility
