"""verify_audit finds every kind of tampering with the trail, even with triggers off."""

import pytest
from django.core.management import ManagementUtility

from audit.chain import event_fields, event_hash
from audit.models import AuditEvent, ChainHead
from tests.audit.conftest import RawSql, verify, verify_fails

pytestmark = pytest.mark.django_db


def test_an_untouched_trail_verifies_and_prints_its_head_as_a_checkpoint(
    five_events: list[AuditEvent],
) -> None:
    printed = verify()
    assert "Audit chain intact: 5 events" in printed
    assert f"checkpoint 5:{five_events[-1].hash}" in printed


def test_a_changed_reason_is_reported_at_that_event(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    attacker_sql(
        "UPDATE audit_auditevent SET reason = %s WHERE sequence = 3", ("nothing",)
    )
    assert "event #3 was altered after it was recorded" in verify_fails()


def test_a_changed_time_is_reported_at_that_event(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    earlier = five_events[1].occurred_at.replace(microsecond=0)
    attacker_sql(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE sequence = 2", (earlier,)
    )
    assert "event #2 was altered" in verify_fails()


def test_a_deleted_event_is_reported_as_missing(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE sequence = 3")
    assert "event #3 is missing" in verify_fails()


def test_the_first_event_deleted_is_reported_too(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE sequence = 1")
    assert "event #1 is missing" in verify_fails()


def test_an_event_inserted_with_a_valid_hash_is_caught_at_the_next_link(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    # Make room at #3, then forge an event whose own hash is computed correctly.
    attacker_sql(
        "UPDATE audit_auditevent SET sequence = sequence + 100 WHERE sequence >= 3"
    )
    attacker_sql(
        "UPDATE audit_auditevent SET sequence = sequence - 99 WHERE sequence > 100"
    )
    forged = five_events[2]
    fields = event_fields(
        sequence=3,
        occurred_at=forged.occurred_at,
        actor_id=None,
        actor_username="",
        action="view",
        object_type="",
        object_id="",
        patient_public_id=None,
        ip_address=None,
        user_agent="",
        reason="forged",
        detail={},
    )
    digest = event_hash(five_events[1].hash, fields)
    attacker_sql(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_username, action,"
        " object_type, object_id, user_agent, reason, detail, prev_hash, hash)"
        " VALUES (3, %s, '', 'view', '', '', '', 'forged', '{}', %s, %s)",
        (forged.occurred_at, five_events[1].hash, digest),
    )
    assert "event #4 does not follow #3" in verify_fails()


def test_two_events_swapped_are_reported_as_out_of_order(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    attacker_sql("UPDATE audit_auditevent SET sequence = 99 WHERE sequence = 2")
    attacker_sql("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 4")
    attacker_sql("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 99")
    assert "event #2 does not follow #1" in verify_fails()


def test_removing_the_tail_and_rewinding_the_head_is_caught_by_a_checkpoint_kept_apart(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    kept_apart = f"5:{five_events[-1].hash}"
    attacker_sql("DELETE FROM audit_auditevent WHERE sequence > 3")
    ChainHead.objects.filter(pk=1).update(sequence=3, hash=five_events[2].hash)

    assert "Audit chain intact: 3 events" in verify()
    problem = verify_fails("--checkpoint", kept_apart)
    assert "ends at #3, before checkpoint #5" in problem


def test_removing_the_tail_alone_is_caught_by_the_recorded_head(
    five_events: list[AuditEvent], attacker_sql: RawSql
) -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE sequence > 3")
    assert "ends at #3, before the recorded head #5" in verify_fails()


def test_a_checkpoint_that_does_not_match_the_event_is_reported(
    five_events: list[AuditEvent],
) -> None:
    problem = verify_fails("--checkpoint", f"4:{five_events[-1].hash}")
    assert "event #4 does not match checkpoint" in problem


def test_a_malformed_checkpoint_is_refused_with_its_expected_form(
    five_events: list[AuditEvent],
) -> None:
    assert "SEQUENCE:HASH" in verify_fails("--checkpoint", "5:abc")


def test_a_broken_chain_exits_with_a_non_zero_status(
    five_events: list[AuditEvent],
    attacker_sql: RawSql,
    capsys: pytest.CaptureFixture[str],
) -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE sequence = 2")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exit_.value.code == 1
    assert "event #2 is missing" in capsys.readouterr().err
