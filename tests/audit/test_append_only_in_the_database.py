"""The database itself refuses to change or remove audit events, whatever the client."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import Action, record_event
from audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def _refused(sql: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Otherwise TRUNCATE stops at this test's deferred foreign-key checks first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with (
            pytest.raises(DatabaseError, match="audit events are append-only"),
            transaction.atomic(),
        ):
            cursor.execute(sql)


def _unchanged(events: list[AuditEvent]) -> bool:
    stored = list(AuditEvent.objects.values_list("sequence", "reason", "hash"))
    return stored == [(e.sequence, e.reason, e.hash) for e in events]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'nothing to see'",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE sequence = 5",
    ],
    ids=["update", "delete-all", "delete-newest"],
)
def test_raw_sql_cannot_change_or_remove_an_event(
    five_events: list[AuditEvent], sql: str
) -> None:
    _refused(sql)
    assert _unchanged(five_events)


@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_trail(
    postgres: None, five_events: list[AuditEvent]
) -> None:
    _refused("TRUNCATE audit_auditevent CASCADE")
    assert _unchanged(five_events)


def test_the_trail_goes_on_intact_after_a_refused_change(
    nurse: User, five_events: list[AuditEvent]
) -> None:
    _refused("DELETE FROM audit_auditevent WHERE sequence = 5")
    record_event(actor=nurse, action=Action.VIEW)
    report = verify_chain()
    assert report.ok
    assert report.events == 6


def test_the_append_only_triggers_are_in_place_after_every_migration(db: None) -> None:
    # SQLite rebuilds a table to alter it, dropping its triggers with the old table.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'audit_auditevent'::regclass"
            )
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"audit_auditevent_no_update", "audit_auditevent_no_delete"}
        if connection.vendor == "sqlite"
        else {"audit_auditevent_no_change", "audit_auditevent_no_truncate"}
    )
    assert names == expected
