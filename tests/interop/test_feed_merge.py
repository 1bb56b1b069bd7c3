"""A40 merge: everything of the prior patient belongs to the survivor, or nothing changes."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from interop.feed.services import handle
from interop.hl7 import MllpServer
from records.models import Encounter, Patient, PatientIdentifier, Ward
from tests.conftest import _api_client_for
from tests.factories import EncounterFactory, FacilityFactory, PatientFactory, capture
from tests.interop.feedkit import code_of, exchange, exchange_files, harbour
from tests.interop.mllp import corpus

pytestmark = pytest.mark.django_db(transaction=True)

Start = Callable[..., MllpServer]


@pytest.fixture
def two_records(nurse: User, ward: Ward) -> tuple[Patient, Patient]:
    """Jane Citizen twice at RHH: the survivor 0412345 and the duplicate 0499999."""
    harbour()
    survivor = PatientFactory(
        facility=ward.facility, mrn="0412345", family_name="Citizen"
    )
    prior = PatientFactory(facility=ward.facility, mrn="0499999", family_name="Citizen")
    PatientIdentifier.objects.create(
        patient=prior, type="MR", system="RHH", value="0499999"
    )
    for record in (survivor, prior):
        EncounterFactory(patient=record, ward=ward)
        capture(actor=nurse, patient=record)
    return survivor, prior


def test_a_merge_moves_encounters_and_images_and_the_prior_mrn_finds_the_survivor(
    listener: Start, two_records: tuple[Patient, Patient], records_manager: User
) -> None:
    survivor, prior = two_records
    before = AuditEvent.objects.count()

    (ack,) = exchange_files(listener(handle), "a40_merge.hl7")

    assert code_of(ack) == "AA"
    assert ClinicalImage.objects.filter(patient=survivor).count() == 2
    assert not ClinicalImage.objects.filter(patient=prior).exists()
    assert Encounter.objects.filter(patient=survivor).count() == 2
    assert survivor.identifiers.filter(value="0499999").exists()
    prior.refresh_from_db()
    assert prior.merged_into == survivor
    (event,) = AuditEvent.objects.order_by("sequence")[before:]
    assert event.detail["merged"] == str(prior.public_id)
    assert event.detail["survivor"] == str(survivor.public_id)
    found = _api_client_for(records_manager).get("/api/patients/", {"mrn": "0499999"})
    assert [p["id"] for p in found.json()["results"]] == [str(survivor.public_id)]


def test_a_merge_into_an_unknown_survivor_is_refused_and_changes_nothing(
    listener: Start, two_records: tuple[Patient, Patient]
) -> None:
    _, prior = two_records
    unknown = corpus("a40_merge.hl7").replace(b"0412345^^^RHH^MR", b"0455555^^^RHH^MR")
    before = AuditEvent.objects.count()

    (ack,) = exchange(listener(handle), unknown)

    assert code_of(ack) == "AE"
    assert ClinicalImage.objects.filter(patient=prior).count() == 1
    prior.refresh_from_db()
    assert prior.merged_into is None
    assert AuditEvent.objects.count() == before


def test_a_merge_across_facilities_is_refused_and_changes_nothing(
    listener: Start, two_records: tuple[Patient, Patient]
) -> None:
    _, prior = two_records
    FacilityFactory(code="WCH", time_zone="Australia/Perth")
    across = corpus("a40_merge.hl7").replace(
        b"MRG|0499999^^^RHH^MR", b"MRG|0499999^^^WCH^MR"
    )
    before = AuditEvent.objects.count()

    (ack,) = exchange(listener(handle), across)

    assert code_of(ack) == "AE"
    assert "MRG" in str(ack.segment("ERR"))
    prior.refresh_from_db()
    assert prior.merged_into is None
    assert ClinicalImage.objects.filter(patient=prior).count() == 1
    assert AuditEvent.objects.count() == before
