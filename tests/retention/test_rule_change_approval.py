"""A rule change that shortens retention warns on its preview and waits for a second
records manager; lengthening changes still apply at once."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Facility, Ward
from retention.compute import recompute_retention
from retention.exceptions import RetentionRefused
from retention.models import RetentionRule, RetentionRuleChange, RetentionRuleVersion
from retention.rule_changes import (
    approve_rule_change,
    change_retention_rule,
    reject_rule_change,
)
from tests.factories import capture, jpeg_bytes
from tests.retention.conftest import at, patient_seen, photo_of

Status = RetentionRuleChange.Status


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(rule: RetentionRule, **changes: object) -> dict[str, str]:
    """The rule form as the page posts it, with some fields changed."""
    data: dict[str, object] = {
        "name": rule.name,
        "jurisdiction": rule.jurisdiction,
        "sector": rule.sector,
        "applies_to": rule.applies_to,
        "trigger": rule.trigger,
        "years": rule.years,
        "citation": rule.citation,
        "is_active": "on",
    } | changes
    return {key: str(value) for key, value in data.items()}


def _dates() -> dict[int, date | None]:
    return dict(ClinicalImage.objects.values_list("pk", "retain_until"))


@pytest.fixture
def old_photo(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> ClinicalImage:
    """An adult's photo of 2015, the stay over: kept until 2022 (7 years)."""
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2015, 5, 1))
    image = photo_of(nurse, adult, date(2015, 5, 1))
    recompute_retention()
    image.refresh_from_db()
    assert image.retain_until == date(2022, 5, 1)
    return image


@pytest.fixture
def proposal(
    records_manager: User, old_photo: ClinicalImage, nsw_rules: list[RetentionRule]
) -> RetentionRuleChange:
    """Manager A proposes 3 years after the last service instead of 7."""
    rule = nsw_rules[0]
    rule.years = 3
    change = change_retention_rule(
        actor=records_manager, rule=rule, reason="Board resolution 12"
    )
    assert isinstance(change, RetentionRuleChange)
    return change


def test_the_preview_warns_of_patients_in_care_and_under_25(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    records_manager: User,
    nsw_rules: list[RetentionRule],
) -> None:
    today = timezone.localdate()
    in_care = patient_seen(
        ward, born=date(1970, 1, 1), last_seen=today - timedelta(days=30)
    )
    photo_of(nurse, in_care, today - timedelta(days=20), discharge=False)
    second = jpeg_bytes(color="teal")
    capture(
        actor=nurse,
        patient=in_care,
        data=second,
        captured_at=at(today - timedelta(days=5)),
    )
    two_years_ago = today - timedelta(days=2 * 365)
    young = patient_seen(
        ward, born=today - timedelta(days=22 * 365), last_seen=two_years_ago
    )
    photo_of(nurse, young, two_years_ago)
    old = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2015, 5, 1))
    photo_of(nurse, old, date(2015, 5, 1))
    recompute_retention()
    rule, client = nsw_rules[0], _client(records_manager)
    events = AuditEvent.objects.count()
    response = client.post(
        f"/retention/rules/{rule.public_id}/",
        _form(rule, trigger="capture", years=2, preview="1"),
    )
    page = response.content.decode()
    assert "4 images would become due earlier" in page
    assert "2 images of 1 patient now in care would become due earlier" in page
    assert "1 image of 1 patient under 25 today would become due earlier" in page
    assert "takes effect only when another records manager approves it" in page
    rule.refresh_from_db()
    assert (rule.trigger, rule.version) == ("last_service", 1)
    assert AuditEvent.objects.count() == events


def test_a_shortening_change_waits_and_changes_nothing_else(
    records_manager: User,
    records_manager2: User,
    old_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
) -> None:
    rule = nsw_rules[0]
    client = _client(records_manager)
    dates, events = _dates(), AuditEvent.objects.count()
    response = client.post(
        f"/retention/rules/{rule.public_id}/",
        _form(rule, years=3, reason="Board resolution 12", save="1"),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.years, rule.version) == (7, 1)
    assert _dates() == dates
    assert not RetentionRuleVersion.objects.exists()
    change = RetentionRuleChange.objects.get()
    assert (change.status, change.content["years"]) == (Status.PENDING, 3)
    written = AuditEvent.objects.order_by("sequence")[events:]
    assert [event.action for event in written] == ["rule_change_proposed"]
    listing = _client(records_manager2).get("/retention/rules/").content.decode()
    assert "Changes awaiting a second records manager" in listing
    assert "Board resolution 12" in listing


def test_a_shortening_change_without_a_reason_is_refused_and_leaves_nothing(
    records_manager: User, old_photo: ClinicalImage, nsw_rules: list[RetentionRule]
) -> None:
    rule, client = nsw_rules[0], _client(records_manager)
    events = AuditEvent.objects.count()
    response = client.post(
        f"/retention/rules/{rule.public_id}/", _form(rule, years=3, save="1")
    )
    assert "This change shortens retention: say why" in response.content.decode()
    assert not RetentionRuleChange.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_proposer_cannot_approve_and_nothing_is_written(
    records_manager: User, proposal: RetentionRuleChange, old_photo: ClinicalImage
) -> None:
    client = _client(records_manager)
    url = f"/retention/rules/changes/{proposal.public_id}/"
    page = client.get(url).content.decode()
    assert "Approve the change" not in page
    assert "a records manager other than records.manager, who proposed it" in page
    events = AuditEvent.objects.count()
    response = client.post(url + "approve/")
    assert response.status_code == 400
    assert "who proposed a rule change cannot approve it" in response.content.decode()
    with pytest.raises(RetentionRefused):
        approve_rule_change(actor=records_manager, change=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert RetentionRule.objects.get(pk=proposal.rule_id).version == 1
    assert not RetentionRuleVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_second_manager_approves_and_images_are_re_dated(
    records_manager2: User,
    proposal: RetentionRuleChange,
    old_photo: ClinicalImage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(records_manager2)
    url = f"/retention/rules/changes/{proposal.public_id}/"
    page = client.get(url).content.decode()
    assert "1 images would become due earlier" in page
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "approve/")
    assert response.status_code == 302
    rule = RetentionRule.objects.get(pk=proposal.rule_id)
    assert (rule.years, rule.version) == (3, 2)
    old_photo.refresh_from_db()
    assert old_photo.retain_until == date(2018, 5, 1)
    assert "v2" in old_photo.retention_basis
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (Status.APPROVED, records_manager2)
    written = AuditEvent.objects.order_by("sequence")[events:]
    actions = [event.action for event in written]
    assert actions == ["rule_changed", "rule_change_approved"]


def test_a_rejected_change_leaves_the_rule_as_it_is(
    records_manager2: User, proposal: RetentionRuleChange, old_photo: ClinicalImage
) -> None:
    client = _client(records_manager2)
    url = f"/retention/rules/changes/{proposal.public_id}/reject/"
    events = AuditEvent.objects.count()
    assert client.post(url, {"reason": " "}).status_code == 400
    assert AuditEvent.objects.count() == events
    reject_rule_change(actor=records_manager2, change=proposal, reason="Too short")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == (Status.REJECTED, "Too short")
    rule = RetentionRule.objects.get(pk=proposal.rule_id)
    assert (rule.years, rule.version) == (7, 1)
    old_photo.refresh_from_db()
    assert old_photo.retain_until == date(2022, 5, 1)
    written = AuditEvent.objects.order_by("sequence")[events:]
    assert [event.action for event in written] == ["rule_change_rejected"]
    with pytest.raises(RetentionRefused):
        approve_rule_change(actor=records_manager2, change=proposal)


def test_lengthening_still_applies_at_once(
    records_manager: User,
    old_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
    django_capture_on_commit_callbacks: Any,
) -> None:
    rule = nsw_rules[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(records_manager).post(
            f"/retention/rules/{rule.public_id}/",
            _form(rule, years=10, reason="Policy is 10", save="1"),
        )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.years, rule.version) == (10, 2)
    old_photo.refresh_from_db()
    assert old_photo.retain_until == date(2025, 5, 1)
    assert not RetentionRuleChange.objects.exists()


def test_lowering_a_figure_waits_even_when_no_image_is_affected_yet(
    records_manager: User, nsw_rules: list[RetentionRule]
) -> None:
    child = nsw_rules[1]
    child.years = 21
    outcome = change_retention_rule(
        actor=records_manager, rule=child, reason="Aligning with the Act"
    )
    assert isinstance(outcome, RetentionRuleChange)
    child.refresh_from_db()
    assert (child.years, child.version) == (25, 1)
