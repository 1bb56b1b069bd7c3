"""Writers racing to append never fork the chain nor leave a gap in its sequence."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent, ChainHead
from audit.services import Action, record_event
from audit.verification import verify_chain

WRITERS = 8
EACH = 25
REPO = Path(__file__).resolve().parents[2]


class _RolledBack(Exception):
    pass


def _write(failures: list[BaseException], start: threading.Barrier) -> None:
    try:
        start.wait()
        for n in range(EACH):
            if n % 5 == 4:
                # An aborted business transaction takes its event with it: no gap.
                try:
                    with transaction.atomic():
                        record_event(actor=None, action=Action.VIEW, detail={"n": n})
                        raise _RolledBack
                except _RolledBack:
                    continue
            record_event(actor=None, action=Action.VIEW, detail={"n": n})
    except BaseException as error:
        failures.append(error)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_writers_on_postgresql_make_one_gap_free_valid_chain(
    postgres: None,
) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)
    threads = [
        threading.Thread(target=_write, args=(failures, start)) for _ in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    kept = WRITERS * (EACH - EACH // 5)
    sequences = list(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, kept + 1))
    report = verify_chain()
    assert report.ok, report.problem
    head = ChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (kept, report.head_hash)


SQLITE_WRITERS = f"""
import threading, django
django.setup()
from django.db import connection
from audit.services import Action, record_event
def write():
    for n in range({EACH}):
        record_event(actor=None, action=Action.VIEW, detail={{"n": n}})
    connection.close()
threads = [threading.Thread(target=write) for _ in range({WRITERS})]
[t.start() for t in threads]
[t.join() for t in threads]
"""


def test_eight_writers_on_an_embedded_sqlite_file_make_one_valid_chain(
    tmp_path: Path,
) -> None:
    # The test database is SQLite in memory, where threads cannot share a file lock;
    # the embedded mode's real file database is used instead, in a child process.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "CUSTODIAN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
            [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True
        )

    assert run("manage.py", "migrate", "--no-input").returncode == 0
    writers = run("-c", SQLITE_WRITERS)
    assert writers.returncode == 0, writers.stderr
    verified = run("manage.py", "verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert f"Audit chain intact: {WRITERS * EACH} events" in verified.stdout
