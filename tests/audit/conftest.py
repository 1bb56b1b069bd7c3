"""Fixtures for the audit trail's tests: raw SQL as an attacker would write it."""

import importlib
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from audit.services import Action, record_event

RawSql = Callable[..., None]
TRIGGERS = importlib.import_module("audit.migrations.0003_append_only_triggers")


@pytest.fixture
def postgres() -> None:
    """Tests marked postgres run only in CI's PostgreSQL pass (make test deselects them)."""
    assert connection.vendor == "postgresql", (
        "this test needs PostgreSQL: set DATABASE_URL, or deselect with -m 'not postgres'"
    )


@pytest.fixture
def attacker_sql(db: None) -> RawSql:
    """Raw SQL from someone with the database owner's rights, triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this test's own inserts block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            # Whoever can write the SQLite file can drop its triggers.
            for statement in TRIGGERS.SQLITE_BACKWARD:
                cursor.execute(statement)

    def run(sql: str, params: tuple[Any, ...] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.fixture
def five_events(nurse: User) -> list[AuditEvent]:
    return [
        record_event(actor=nurse, action=Action.VIEW, reason=f"ward round {n}")
        for n in range(1, 6)
    ]


def verify(*args: str) -> str:
    """Run verify_audit and return what it printed; raises CommandError when broken."""
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    return str(failure.value)
