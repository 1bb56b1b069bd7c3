"""Real Celery workers and beat, started as processes against Redis and PostgreSQL.

Tests here are marked real_worker. They need the data committed (a worker cannot see a
test's open transaction), so they use transactional tests, and they point the workers at
the very test database pytest-django created. `make test` runs them whenever DATABASE_URL
is set (CI's PostgreSQL + Redis pass) and deselects them, saying so, on SQLite.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.workers.broker import celery_sending_to

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# A Redis database of our own per xdist process, apart from the app's (CI uses 15), each
# flushed as a test starts: two runs on one machine set CUSTODIAN_TEST_WORKER_REDIS_DB
# apart (the first process's database; later ones count up) so neither empties the other's.
FIRST_DB = int(os.environ.get("CUSTODIAN_TEST_WORKER_REDIS_DB", "10"))
STARTUP_SECONDS = 60


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """On SQLite a worker cannot share the test database: deselect, and say so."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    chosen = [item for item in items if not item.get_closest_marker("real_worker")]
    dropped = [item for item in items if item.get_closest_marker("real_worker")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {seconds:.0f}s waiting for {what}.")
        time.sleep(0.1)


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _stat_fields(pid: int) -> list[str]:
    """A process's fields in /proc after its name: state, parent, group, ..."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    # The name, in parentheses, may itself hold spaces.
    return text[text.rindex(")") + 2 :].split()


def _living() -> Iterator[tuple[int, list[str]]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            # A zombie has exited: only its parent's bookkeeping is left.
            if fields and fields[0] != "Z":
                yield int(entry.name), fields


def children_of(pid: int) -> list[int]:
    """The living processes whose parent is pid (a worker's pool children)."""
    return [child for child, fields in _living() if fields[1] == str(pid)]


def group_members(group: int) -> list[int]:
    """The living processes in a process group (what Ctrl-C in a terminal reaches)."""
    return [member for member, fields in _living() if fields[2] == str(group)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    """Worker and beat processes sharing this test's database, broker and storage."""

    def __init__(self, data_dir: Path, broker_url: str) -> None:
        self.data_dir = data_dir
        self.broker_url = broker_url
        self.processes: list[subprocess.Popen[bytes]] = []
        self.extra_env: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CUSTODIAN_", "STORAGE_BACKEND", "AWS_", "CELERY_"))
        }
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "tests.workers.stack_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
            "CUSTODIAN_MASTER_KEY": django_settings.CUSTODIAN_MASTER_KEY,
            "CUSTODIAN_DATA_DIR": str(self.data_dir),
            **self.extra_env,
        }

    def _start(self, role: str, *args: str, ready: str) -> subprocess.Popen[bytes]:
        log = self.data_dir / f"{role}-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
                [sys.executable, "-m", "celery", "-A", "config", role, *args],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group, so the worker and its pool children stop together.
                start_new_session=True,
            )
        self.processes.append(process)
        wait_for(
            lambda: ready in log.read_text() or process.poll() is not None,
            f"the {role} to start",
            STARTUP_SECONDS,
        )
        assert process.poll() is None, log.read_text()
        return process

    def start_worker(self) -> subprocess.Popen[bytes]:
        return self._start(
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            ready=" ready.",
        )

    def start_beat(self) -> subprocess.Popen[bytes]:
        return self._start(
            "beat",
            # DEBUG lists the loaded schedule, which the beat test reads.
            "--loglevel=DEBUG",
            f"--schedule={self.data_dir / 'beat-schedule'}",
            ready="beat: Starting",
        )

    def idle(self) -> bool:
        """Nothing queued, nothing unacknowledged: each task sent has run to its end.

        A task's own writes can be visible before it has returned (cleaning up after a
        commit), and acks_late acknowledges it only once it has.
        """
        broker = redis.Redis.from_url(self.broker_url)
        return broker.llen("celery") == 0 and broker.hlen("unacked") == 0

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """Kill a worker outright, pool children and all, as a lost host would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """A warm shutdown: finish the task in hand, then exit."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def stop_all(self) -> None:
        for process in self.processes:
            self.stop(process)


def broker_url_for_this_process() -> str:
    """The Redis database of this (xdist) process: each runs one stack at a time."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"{REDIS_URL}/{FIRST_DB + int(worker.removeprefix('gw') or 0)}"


@pytest.fixture
def stack(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Stack]:
    """A clean broker database, storage shared with the workers, and teardown of them."""
    broker_url = broker_url_for_this_process()
    redis.Redis.from_url(broker_url).flushdb()
    running = Stack(tmp_path / "stack", broker_url)
    running.data_dir.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(running.data_dir / "media")},
        },
    }
    with celery_sending_to(broker_url):
        try:
            yield running
        finally:
            running.stop_all()
