"""No disposal under an unchecked rule: not proposed, not approved, not disposed; and
verifying a rule is an audited act of a records manager."""

from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from retention.compute import UNVERIFIED, recompute_retention
from retention.disposal import carry_out_disposal
from retention.exceptions import RetentionRefused
from retention.models import (
    DisposalItem,
    DisposalRecord,
    RetentionRule,
    RuleVerification,
)
from retention.review import approve_disposal
from retention.sweep import due_but_unverified, sweep_retention
from retention.verification import NOT_VERIFIED, verify_retention_rule
from tests.retention.conftest import DUE_DAY

pytestmark = pytest.mark.django_db


def _unverify(rules: list[RetentionRule]) -> None:
    RetentionRule.objects.filter(pk__in=[r.pk for r in rules]).update(
        needs_verification=True
    )
    recompute_retention()


def _verify(actor: User, rule: RetentionRule, **given: str) -> RuleVerification:
    fields = {
        "source_title": "Health Records and Information Privacy Act 2002 (NSW)",
        "source_version": "as at 1 July 2024",
        "clause": "s 25",
        "reason": "Read against the authorised text on legislation.nsw.gov.au",
        **given,
    }
    return verify_retention_rule(actor=actor, rule=rule, **fields)


def test_the_sweep_lists_a_due_image_under_an_unverified_rule_and_proposes_nothing(
    due_photo: ClinicalImage, nsw_rules: list[RetentionRule]
) -> None:
    _unverify(nsw_rules)
    due_photo.refresh_from_db()
    assert due_photo.retention_basis.endswith(UNVERIFIED)
    with time_machine.travel(DUE_DAY):
        result = sweep_retention(actor=None)
        assert list(due_but_unverified(DUE_DAY)) == [due_photo]
    assert result.batch is None
    assert result.due == 0
    assert result.unverified == 1
    assert not DisposalItem.objects.exists()


def test_an_approval_keeps_an_image_whose_rule_became_unverified(
    due_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
    records_manager: User,
    records_manager2: User,
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        _unverify(nsw_rules)
        approve_disposal(actor=records_manager, batch=batch)
    item = DisposalItem.objects.get(batch=batch)
    assert item.outcome == DisposalItem.Outcome.KEPT
    assert item.note == NOT_VERIFIED
    event = AuditEvent.objects.filter(action="disposal_approved").get()
    assert event.detail["kept_unverified"] == 1


def test_the_disposal_task_keeps_an_image_whose_rule_became_unverified(
    due_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
    records_manager: User,
    records_manager2: User,
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        approve_disposal(actor=records_manager, batch=batch)
        approve_disposal(actor=records_manager2, batch=batch)
        _unverify(nsw_rules)
    with time_machine.travel(DUE_DAY.replace(year=DUE_DAY.year + 1)):
        carry_out_disposal(batch_id=batch.pk)
    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.ACTIVE
    item = DisposalItem.objects.get(batch=batch)
    assert (item.outcome, item.note) == (DisposalItem.Outcome.KEPT, NOT_VERIFIED)
    assert not DisposalRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="disposed").exists()


def test_a_records_manager_verifies_a_rule_against_a_named_text_and_it_is_audited(
    due_photo: ClinicalImage,
    nsw_rules: list[RetentionRule],
    records_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _unverify(nsw_rules)
    rule = nsw_rules[0]
    with django_capture_on_commit_callbacks(execute=True):
        check = _verify(records_manager, rule)
    rule.refresh_from_db()
    assert not rule.needs_verification
    assert check.verified_by == records_manager
    assert (check.clause, check.rule_version) == ("s 25", rule.version)
    event = AuditEvent.objects.filter(action="rule_changed").latest("pk")
    assert event.detail["verified_against"]["clause"] == "s 25"
    due_photo.refresh_from_db()
    assert not due_photo.retention_basis.endswith(UNVERIFIED)
    with time_machine.travel(DUE_DAY):
        assert sweep_retention(actor=None).due == 1


@pytest.mark.parametrize(
    "missing", ["source_title", "source_version", "clause", "reason"]
)
def test_a_verification_without_its_text_is_refused_and_leaves_no_trace(
    nsw_rules: list[RetentionRule], records_manager: User, missing: str
) -> None:
    _unverify(nsw_rules)
    events = AuditEvent.objects.count()
    with pytest.raises(RetentionRefused):
        _verify(records_manager, nsw_rules[0], **{missing: "  "})
    assert RetentionRule.objects.get(pk=nsw_rules[0].pk).needs_verification
    assert not RuleVerification.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_nurse_cannot_verify_a_rule(
    nsw_rules: list[RetentionRule], nurse: User
) -> None:
    _unverify(nsw_rules)
    with pytest.raises(PermissionDenied):
        _verify(nurse, nsw_rules[0])
    assert not RuleVerification.objects.exists()


def test_changing_a_verified_rules_figure_makes_it_unverified_again(
    nsw_rules: list[RetentionRule], records_manager: User
) -> None:
    from retention.rules import save_retention_rule

    rule = nsw_rules[0]
    rule.years = 10
    save_retention_rule(actor=records_manager, rule=rule, reason="Longer")
    rule.refresh_from_db()
    assert rule.needs_verification
