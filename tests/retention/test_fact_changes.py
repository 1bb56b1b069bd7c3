"""Changing a fact or a rule recomputes retain_until; rule changes are versioned and audited."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Facility, Ward
from records.services import record_death, record_encounter
from retention.models import RetentionRule, RetentionRuleVersion
from retention.rules import preview_rule_change, save_retention_rule
from tests.factories import capture
from tests.retention.conftest import at, patient_seen, photo_of


def test_a_returning_patient_pushes_the_date_later(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    records_manager: User,
    nsw_rules: list[RetentionRule],
    django_capture_on_commit_callbacks: Any,
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2015, 5, 1))
    image = photo_of(nurse, adult, date(2015, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        record_encounter(
            actor=records_manager,
            patient=adult,
            ward=ward,
            started_at=at(date(2019, 8, 1)),
            ended_at=at(date(2019, 8, 4)),
        )
    image.refresh_from_db()
    assert image.retain_until == date(2026, 8, 4)


def test_recording_a_death_recomputes_and_is_audited(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    records_manager: User,
    nsw_rules: list[RetentionRule],
    django_capture_on_commit_callbacks: Any,
) -> None:
    RetentionRule.objects.create(
        name="After death",
        trigger="death",
        years=20,
        citation="Test schedule 2",
    )
    adult = patient_seen(ward, born=date(1940, 1, 1), last_seen=date(2015, 5, 1))
    image = photo_of(nurse, adult, date(2015, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        record_death(
            actor=records_manager, patient=adult, date_of_death=date(2016, 1, 9)
        )
    image.refresh_from_db()
    assert image.retain_until == date(2036, 1, 9)
    assert AuditEvent.objects.filter(action="edit", object_id=str(adult.public_id))


def test_a_rule_change_is_previewed_then_saved_as_a_new_version(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    records_manager: User,
    nsw_rules: list[RetentionRule],
    django_capture_on_commit_callbacks: Any,
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2015, 5, 1))
    image = photo_of(nurse, adult, date(2015, 5, 1))
    rule = nsw_rules[0]
    with django_capture_on_commit_callbacks(execute=True):
        save_retention_rule(actor=records_manager, rule=rule, reason="Confirmed")
    rule.years = 10
    what_if = preview_rule_change(actor=records_manager, rule=rule)
    assert (what_if.earlier, what_if.later) == (0, 1)
    image.refresh_from_db()
    assert image.retain_until == date(2022, 5, 1)
    with django_capture_on_commit_callbacks(execute=True):
        save_retention_rule(actor=records_manager, rule=rule, reason="Policy is 10")
    image.refresh_from_db()
    assert image.retain_until == date(2025, 5, 1)
    assert "v3" in image.retention_basis
    versions = RetentionRuleVersion.objects.filter(rule=rule)
    assert list(versions.values_list("version", flat=True)) == [3, 2]
    change = AuditEvent.objects.filter(action="rule_changed").last()
    assert change is not None
    assert change.detail["before"]["years"] == 7
    assert change.detail["after"]["years"] == 10


def test_ward_staff_cannot_change_a_rule_and_nothing_is_written(
    nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    rule = nsw_rules[0]
    rule.years = 1
    with pytest.raises(PermissionDenied):
        save_retention_rule(actor=nurse, rule=rule, reason="Shorter")
    rule.refresh_from_db()
    assert rule.years == 7
    assert not RetentionRuleVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="rule_changed").exists()


def test_the_sweep_skips_images_already_in_an_open_batch(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    nsw_rules: list[RetentionRule],
) -> None:
    from retention.sweep import sweep_retention

    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2015, 5, 1))
    photo_of(nurse, adult, date(2015, 5, 1))
    today = date(2022, 5, 2) + timedelta(days=1)
    first = sweep_retention(actor=None, today=today)
    second = sweep_retention(actor=None, today=today)
    assert (first.due, second.batch) == (1, None)
    assert ClinicalImage.objects.active().count() == 1


def test_a_new_photo_shows_its_retention_at_once(
    nsw_facility: Facility,
    ward: Ward,
    nurse: User,
    nsw_rules: list[RetentionRule],
    django_capture_on_commit_callbacks: Any,
) -> None:
    inpatient = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2024, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        image = capture(actor=nurse, patient=inpatient)
    image.refresh_from_db()
    # Not "no rule has been applied yet" until the nightly sweep: the rule and why.
    assert image.retention_computed_at is not None
    assert image.retain_until is None
    assert image.retention_basis.startswith("NSW HRIPA s25, patient still under care")
