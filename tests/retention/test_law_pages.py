"""The pages for the law behind the dates: preview form, verifying, freezes, dashboard."""

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from imaging.models import ClinicalImage
from retention.compute import recompute_retention
from retention.models import DisposalFreeze, RetentionRule, RuleVerification
from tests.retention.conftest import DUE_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("schedule_presets")]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_preview_form_answers_as_the_api_does(records_manager: User) -> None:
    response = _client(records_manager).get(
        "/retention/preview/",
        {
            "jurisdiction": "NSW",
            "sector": "public",
            "record_class": "admitted",
            "date_of_birth": "2004-06-01",
            "first_service": "2019-06-01",
            "last_service": "2019-06-01",
        },
    )
    assert response.status_code == 200
    assert b"Keep until 01/06/2049" in response.content
    assert b"not yet verified" in response.content


def test_ward_staff_are_refused_the_law_pages(nurse: User) -> None:
    client = _client(nurse)
    for url in ["/retention/preview/", "/retention/freezes/"]:
        assert client.get(url).status_code == 403
    freeze = DisposalFreeze.objects.first()
    assert freeze is not None
    url = f"/retention/freezes/{freeze.public_id}/switch/"
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert not DisposalFreeze.objects.filter(is_active=True).exists()


def test_a_records_manager_verifies_a_rule_on_its_page(records_manager: User) -> None:
    rule = RetentionRule.objects.filter(jurisdiction="NSW", sector="public").first()
    assert rule is not None
    url = f"/retention/rules/{rule.public_id}/verify/"
    client = _client(records_manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "source_title": "GDA17",
            "source_version": "revised 30 May 2019",
            "clause": rule.class_ref,
            "reason": "Read against the authorised text",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.needs_verification
    assert RuleVerification.objects.get(rule=rule).verified_by == records_manager


def test_a_records_manager_switches_a_freeze_on_from_the_list(
    records_manager: User,
) -> None:
    freeze = DisposalFreeze.objects.get(jurisdiction="WA")
    client = _client(records_manager)
    assert b"Disposal Freeze" in client.get("/retention/freezes/").content
    url = f"/retention/freezes/{freeze.public_id}/switch/"
    assert client.post(url, {"reason": "SRO WA notice"}).status_code == 302
    freeze.refresh_from_db()
    assert freeze.is_active
    assert freeze.changed_by == records_manager


def test_the_dashboard_counts_unverified_rules_and_lists_what_waits_on_them(
    records_manager: User,
    due_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
) -> None:
    RetentionRule.objects.filter(pk=nsw_rules[0].pk).update(needs_verification=True)
    recompute_retention()
    with time_machine.travel(DUE_DAY):
        content = _client(records_manager).get("/retention/").content.decode()
    assert "Rules not yet verified: 1" in content
    assert "Due, but the rule is not yet verified: 1" in content
    assert due_photo.patient.mrn in content
