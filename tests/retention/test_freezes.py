"""Disposal freezes: shipped switched off; on, they keep images like a legal hold."""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from imaging.hooks import keep_reasons
from imaging.models import ClinicalImage
from records.models import Facility, Ward
from retention.compute import recompute_retention
from retention.exceptions import RetentionRefused
from retention.models import DisposalFreeze, RetentionRule
from retention.sweep import sweep_retention
from retention.verification import switch_freeze
from tests.retention.conftest import DUE_DAY, patient_seen, photo_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("schedule_presets")]


def test_the_research_freezes_ship_switched_off() -> None:
    freezes = DisposalFreeze.objects.all()
    assert {f.jurisdiction for f in freezes} >= {"", "WA", "QLD", "TAS", "NT"}
    assert not freezes.filter(is_active=True).exists()
    wa = freezes.get(jurisdiction="WA")
    assert wa.scope == "children_at_service"
    assert wa.issued == "2018-04-05"


def _freeze(scope: str, jurisdiction: str = "NSW", **more: Any) -> DisposalFreeze:
    return DisposalFreeze.objects.create(
        title="Test freeze",
        issuing_body="State Records",
        issued="2018-04-05",
        jurisdiction=jurisdiction,
        scope=scope,
        source="test",
        **more,
    )


def test_a_freeze_on_childrens_records_keeps_a_child_but_not_an_adult(
    nurse: User,
    ward: Ward,
    nsw_facility: Facility,
    nsw_rules: list[RetentionRule],
    records_manager: User,
) -> None:
    child = patient_seen(ward, born=date(2010, 1, 1), last_seen=date(2015, 1, 1))
    child_photo = photo_of(nurse, child, date(2015, 1, 1))
    adult = patient_seen(ward, born=date(1960, 1, 1), last_seen=date(2015, 1, 1))
    adult_photo = photo_of(nurse, adult, date(2015, 1, 1))
    recompute_retention()
    freeze = _freeze("children_at_service")
    assert keep_reasons(child_photo) == []
    switch_freeze(actor=records_manager, freeze=freeze, on=True, reason="SRO notice")
    assert keep_reasons(child_photo) == ["under a disposal freeze"]
    assert keep_reasons(adult_photo) == []
    with time_machine.travel(date(2040, 1, 1)):
        batch = sweep_retention(actor=None).batch
    assert batch is not None
    assert list(batch.items.values_list("image_id", flat=True)) == [adult_photo.pk]
    assert AuditEvent.objects.filter(action="rule_changed").count() == 1


def test_a_freeze_on_a_class_keeps_that_class_only_in_its_jurisdiction(
    due_photo: ClinicalImage, records_manager: User
) -> None:
    wrong_place = _freeze("all", jurisdiction="WA")
    switch_freeze(actor=records_manager, freeze=wrong_place, on=True, reason="WA")
    other_class = _freeze("record_class", record_class="abuse")
    switch_freeze(actor=records_manager, freeze=other_class, on=True, reason="RC 8.1")
    assert keep_reasons(due_photo) == []
    admitted = _freeze("record_class", record_class="admitted")
    switch_freeze(actor=records_manager, freeze=admitted, on=True, reason="Test")
    assert keep_reasons(due_photo) == ["under a disposal freeze"]
    with time_machine.travel(DUE_DAY):
        assert sweep_retention(actor=None).batch is None
    switch_freeze(actor=records_manager, freeze=admitted, on=False, reason="Lifted")
    with time_machine.travel(DUE_DAY):
        assert sweep_retention(actor=None).due == 1


def test_switching_a_freeze_without_a_reason_or_by_a_nurse_is_refused(
    records_manager: User, nurse: User
) -> None:
    freeze = _freeze("all")
    events = AuditEvent.objects.count()
    with pytest.raises(RetentionRefused):
        switch_freeze(actor=records_manager, freeze=freeze, on=True, reason=" ")
    with pytest.raises(PermissionDenied):
        switch_freeze(actor=nurse, freeze=freeze, on=True, reason="Because")
    freeze.refresh_from_db()
    assert not freeze.is_active
    assert AuditEvent.objects.count() == events
