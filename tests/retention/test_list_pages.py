"""What a records manager reads on the rules list and a disposal batch's page."""

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Facility
from retention.models import RetentionRule
from retention.sweep import sweep_retention
from tests.retention.conftest import DUE_DAY

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shown(page: str, rules: list[RetentionRule]) -> set[str]:
    return {rule.name for rule in rules if f">{rule.name}</a>" in page}


def _rule(name: str, jurisdiction: str, sector: str) -> RetentionRule:
    return RetentionRule.objects.create(
        name=name,
        jurisdiction=jurisdiction,
        sector=sector,
        trigger="last_service",
        years=7,
        citation="test schedule",
    )


@pytest.fixture
def rules_of_several_states(db: None) -> dict[str, RetentionRule]:
    """Rules for the manager's NSW private facility, and for other states and sectors."""
    return {
        "here": _rule("Here: NSW private", "NSW", "private"),
        "every": _rule("Every state and sector", "", ""),
        "nsw_any": _rule("NSW, both sectors", "NSW", ""),
        "nsw_public": _rule("NSW public only", "NSW", "public"),
        "vic": _rule("Victoria private", "VIC", "private"),
    }


def test_the_rules_page_shows_the_rules_for_my_facilities_until_asked_for_all(
    records_manager: User,
    nsw_facility: Facility,
    rules_of_several_states: dict[str, RetentionRule],
) -> None:
    rules = list(rules_of_several_states.values())
    here = {"Here: NSW private", "Every state and sector", "NSW, both sectors"}

    client = _client(records_manager)
    mine = client.get("/retention/rules/").content.decode()
    every = client.get("/retention/rules/?show=all").content.decode()

    assert _shown(mine, rules) == here
    assert "Showing the rules that apply to my facilities: Royal Harbour" in mine
    assert _shown(every, rules) == {rule.name for rule in rules}
    assert "Show only the rules for my facilities" in every


def test_a_manager_assigned_to_no_facility_sees_every_rule(
    records_manager: User,
    nsw_facility: Facility,
    rules_of_several_states: dict[str, RetentionRule],
) -> None:
    records_manager.facility_assignments.all().delete()
    rules = list(rules_of_several_states.values())

    page = _client(records_manager).get("/retention/rules/").content.decode()

    assert _shown(page, rules) == {rule.name for rule in rules}
    assert 'id="rule-filter"' not in page


def test_a_batch_lists_each_image_with_its_patient_and_thumbnail_and_is_audited(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        client = _client(records_manager)
        before = AuditEvent.objects.count()
        response = client.get(f"/retention/batches/{batch.public_id}/")

    page = response.content.decode()
    patient = due_photo.patient
    assert patient.full_name in page
    assert f"MRN {patient.mrn}" in page
    assert f"/images/{due_photo.public_id}/thumbnail/" in page
    viewed = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.actor, e.detail.get("page")) for e in viewed] == [
        ("view_gallery", records_manager, "disposal-batch")
    ]
    assert viewed[0].detail["images"] == [str(due_photo.public_id)]
    assert viewed[0].detail["patients"] == [str(patient.public_id)]
