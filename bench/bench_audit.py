"""Audit trail: append throughput with 8 concurrent writers, and verify_audit speed.

Runs in a throwaway database of its own (created and dropped here) on whatever
DATABASE_URL names; the figures that matter are PostgreSQL's. The 1,000,000 events to
verify are chained in Python and loaded with COPY (PostgreSQL) or executemany (SQLite),
never saved one by one through the ORM. AUDIT_BENCH_EVENTS changes the count.
"""

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from audit.chain import GENESIS_HASH, event_fields, event_hash
from audit.models import ChainHead
from audit.services import Action, record_event
from audit.verification import verify_chain
from bench.common import Figure

WRITERS = 8
EACH = int(os.environ.get("AUDIT_BENCH_APPENDS", "250"))
EVENTS = int(os.environ.get("AUDIT_BENCH_EVENTS", "1000000"))
COLUMNS = (
    "sequence, occurred_at, actor_username, action, object_type, object_id,"
    " patient_public_id, ip_address, user_agent, reason, detail, prev_hash, hash"
)


def _chained_rows(count: int) -> Iterator[tuple[Any, ...]]:
    prev, start = GENESIS_HASH, datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, count + 1):
        at = start + timedelta(milliseconds=seq)
        detail = {"n": seq}
        fields = event_fields(
            sequence=seq,
            occurred_at=at,
            actor_id=None,
            actor_username="bench",
            action="view",
            object_type="imaging.clinicalimage",
            object_id=f"{seq:032x}",
            patient_public_id=None,
            ip_address="192.0.2.1",
            user_agent="bench",
            reason="",
            detail=detail,
        )
        digest = event_hash(prev, fields)
        yield (
            seq, at, "bench", "view", "imaging.clinicalimage", f"{seq:032x}",
            None, "192.0.2.1", "bench", "", json.dumps(detail), prev, digest,
        )  # fmt: skip
        prev = digest


# Built from the constant column list only: nothing here comes from outside.
COPY_SQL = f"COPY audit_auditevent ({COLUMNS}) FROM STDIN"
INSERT_SQL = (
    f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})"  # noqa: S608
)


def _load(count: int) -> None:
    last: tuple[Any, ...] = ()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(COPY_SQL) as copy:
                for last in _chained_rows(count):
                    copy.write_row(last)
        else:
            for batch in _batches(_chained_rows(count)):
                cursor.executemany(INSERT_SQL, batch)
                last = batch[-1]
        ChainHead.objects.update_or_create(
            pk=1, defaults={"sequence": last[0], "hash": last[-1]}
        )


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_threads(work: Callable[[], None]) -> float:
    """Seconds for WRITERS threads to each run work EACH times."""
    start = threading.Barrier(WRITERS + 1)

    def writer() -> None:
        start.wait()
        try:
            for _ in range(EACH):
                work()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def _plain_commit() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_checkpoint (sequence, hash, recorded_at) VALUES (0, '', %s)",
            [datetime.now(UTC)],
        )


def _append() -> None:
    record_event(actor=None, action=Action.VIEW, detail={"bench": True})


def _figures() -> list[Figure]:
    vendor = connection.vendor
    began = time.perf_counter()
    _load(EVENTS)
    load_seconds = time.perf_counter() - began
    print(f"  (loaded {EVENTS:,} chained events in {load_seconds:.1f} s)", flush=True)

    began = time.perf_counter()
    report = verify_chain()
    verify_seconds = time.perf_counter() - began
    assert report.ok, report.problem
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent ORDER BY sequence")
        while cursor.fetchmany(5000):
            pass
    read_seconds = time.perf_counter() - began

    floor = WRITERS * EACH / _in_threads(_plain_commit)
    appended = WRITERS * EACH / _in_threads(_append)
    assert verify_chain().ok
    return [
        Figure(
            f"audit append, {WRITERS} writers ({vendor})",
            appended,
            "events/s",
            floor,
            "one-row insert transactions, no chain lock",
        ),
        Figure(
            f"verify_audit over {EVENTS:,} events ({vendor})",
            EVENTS / verify_seconds,
            "events/s",
            EVENTS / read_seconds,
            "reading the rows in order, no hashing",
        ),
    ]


def run() -> list[Figure]:
    settings = connection.settings_dict
    old_name = settings["NAME"]
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "sqlite":
            # A file, not memory: writer threads need their own connections to one database.
            settings["TEST"]["NAME"] = str(Path(scratch) / "bench_audit.sqlite3")
        else:
            settings["TEST"]["NAME"] = f"{old_name}_bench_audit"
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            return _figures()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
