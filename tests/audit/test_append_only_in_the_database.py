"""PostgreSQL itself refuses to change or remove audit events, whatever the client."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import Action, record_event
from audit.verification import verify_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSED = [
    "UPDATE audit_auditevent SET reason = 'nothing to see'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent CASCADE",
]


@pytest.mark.parametrize("sql", REFUSED, ids=["update", "delete", "truncate"])
def test_raw_sql_cannot_change_or_remove_an_event(
    postgres: None, five_events: list[AuditEvent], sql: str
) -> None:
    with connection.cursor() as cursor:
        # Otherwise TRUNCATE stops at this test's deferred foreign-key checks first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with (
            pytest.raises(DatabaseError, match="audit events are append-only"),
            transaction.atomic(),
        ):
            cursor.execute(sql)
    stored = list(AuditEvent.objects.values_list("sequence", "reason", "hash"))
    assert stored == [(e.sequence, e.reason, e.hash) for e in five_events]


def test_the_trail_goes_on_intact_after_a_refused_change(
    postgres: None, nurse: User, five_events: list[AuditEvent]
) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM audit_auditevent WHERE sequence = 5")
    record_event(actor=nurse, action=Action.VIEW)
    report = verify_chain()
    assert report.ok
    assert report.events == 6
