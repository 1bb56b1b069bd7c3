"""What is hashed is what the database gives back, on PostgreSQL and SQLite alike."""

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import RequestFactory

from audit.models import AuditEvent, Checkpoint
from audit.services import Action, record_event
from audit.tasks import record_audit_checkpoint
from audit.verification import verify_chain
from records.models import Patient
from tests.audit.conftest import RawSql

pytestmark = pytest.mark.django_db


def test_awkward_values_still_verify_after_the_database_round_trip(
    nurse: User, patient: Patient
) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="2001:DB8:0:0::1", HTTP_USER_AGENT="Camera\x00App \udcff/1"
    )
    record_event(
        actor=nurse,
        action=Action.EXPORT,
        target=patient,
        patient=patient,
        request=request,
        reason="Subpoena\x00 — Ōtautahi",
        detail={
            "huge": 1e20,
            "half": 0.5,
            "big": 2**70,
            "on": date(2026, 2, 28),
            "price": Decimal("1.10"),
            "tags": {"b", "a"},
            3: ("x", None, True),
        },
    )
    event = AuditEvent.objects.get()
    assert event.ip_address == "2001:db8::1"
    assert event.reason == "Subpoena — Ōtautahi"
    assert event.detail["huge"] == "1e+20"
    assert event.detail["tags"] == ["a", "b"]
    assert event.detail["3"] == ["x", None, True]
    assert verify_chain().ok


@time_machine.travel(datetime(2026, 6, 30, 14, 0, 0, tzinfo=UTC), tick=False)
def test_an_event_at_a_whole_second_verifies(nurse: User) -> None:
    record_event(actor=nurse, action=Action.VIEW)
    assert AuditEvent.objects.get().occurred_at.microsecond == 0
    assert verify_chain().ok


def test_the_daily_checkpoint_stores_the_head_and_logs_its_line(
    nurse: User, caplog: pytest.LogCaptureFixture
) -> None:
    last = [record_event(actor=nurse, action=Action.VIEW) for _ in range(3)][-1]
    with caplog.at_level(logging.INFO, logger="audit.verification"):
        record_audit_checkpoint.delay()
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.sequence, checkpoint.hash) == (3, last.hash)
    assert f"audit checkpoint 3:{last.hash}" in caplog.text


def test_a_stored_checkpoint_catches_a_tail_removed_with_its_head_rewound(
    nurse: User, attacker_sql: RawSql
) -> None:
    events = [record_event(actor=nurse, action=Action.VIEW) for _ in range(4)]
    record_audit_checkpoint.delay()
    run = attacker_sql
    run("DELETE FROM audit_auditevent WHERE sequence = 4")
    run("UPDATE audit_chainhead SET sequence = 3, hash = %s", (events[2].hash,))
    report = verify_chain()
    assert not report.ok
    assert "before stored checkpoint #4" in report.problem
