"""make run-stack: gunicorn, a worker and beat come up ready, and Ctrl-C stops all three.

The script runs as the Makefile runs it, against a database of its own (created by the
script, dropped here) and this process's Redis database, with its keys, static files and
media in a temporary data directory. It binds 127.0.0.2, a loopback address Django's
default ALLOWED_HOSTS does not list, so every page answering shows that the script let
in the host it was bound to.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from tests.config.processes import clean_env
from tests.workers.conftest import (
    ROOT,
    broker_url_for_this_process,
    group_members,
    wait_for,
)

pytestmark = pytest.mark.real_worker

HOST = "127.0.0.2"
READY_SECONDS = 180
STOP_SECONDS = 60
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+\.css)">')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _server() -> dict[str, str]:
    return {
        k: str(v)
        for k, v in conninfo_to_dict(os.environ["DATABASE_URL"]).items()
        if v is not None
    }


def _drop(database: str) -> None:
    server = {**_server(), "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(database)
            )
        )


@pytest.fixture
def stack_database() -> Iterator[str]:
    """A database name no other test uses, for the script to create on first use."""
    name = f"test_{_server()['dbname']}_run_stack"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name += f"_{worker}" if worker else ""
    _drop(name)
    try:
        yield name
    finally:
        _drop(name)


def _url(database: str) -> str:
    server = _server()
    auth = server.get("user", "") + (
        f":{server['password']}" if server.get("password") else ""
    )
    host, port = server.get("host", "127.0.0.1"), server.get("port", "5432")
    return f"postgres://{auth}@{host}:{port}/{database}"


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - our own
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read()


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tree(folder: Path) -> set[tuple[str, int]]:
    return {(str(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_run_stack_comes_up_ready_and_ctrl_c_stops_all_three(
    stack_database: str, tmp_path: Path
) -> None:
    port = _free_port()
    data = tmp_path / "stack-data"
    broker_url = broker_url_for_this_process()
    redis.Redis.from_url(broker_url).flushdb()
    in_tree = _tree(ROOT / "var")
    env = clean_env(
        tmp_path,
        VENV=str(Path(sys.executable).parent.parent),
        DATABASE_URL=_url(stack_database),
        CELERY_BROKER_URL=broker_url,
        STACK_BIND=f"{HOST}:{port}",
        CUSTODIAN_DATA_DIR=str(data),
    )
    env.pop("DJANGO_SETTINGS_MODULE")
    log = tmp_path / "run-stack.log"
    with log.open("wb") as out:
        stack = subprocess.Popen(  # noqa: S603 - our own script
            ["bash", str(ROOT / "scripts" / "run-stack.sh")],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: what a terminal's Ctrl-C reaches.
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"
    try:

        def answering() -> bool:
            assert stack.poll() is None, log.read_text()
            try:
                return _get(f"{base}/readyz")[0] == 200
            except OSError:
                return False

        wait_for(answering, "the stack to be ready", READY_SECONDS)
        status, _, body = _get(f"{base}/readyz")
        assert json.loads(body) == {
            "status": "ok",
            "database": "ok",
            "broker": "ok",
            "storage": "ok",
        }
        status, _, body = _get(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, _, page = _get(f"{base}/accounts/login/")
        assert status == 200
        # collectstatic ran: the page names the hashed stylesheet, and it is served.
        stylesheet = STYLESHEET.search(page.decode())
        assert stylesheet is not None
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet[1])
        status, kind, css = _get(f"{base}{stylesheet[1]}")
        assert (status, kind.split(";")[0]) == (200, "text/css")
        assert css.strip()
        commands = [_command_line(pid) for pid in group_members(stack.pid)]
        for role in ("gunicorn config.wsgi", "celery -A config worker", "beat"):
            assert any(role in command for command in commands), commands

        os.killpg(stack.pid, signal.SIGINT)

        wait_for(
            lambda: not group_members(stack.pid), "all three to exit", STOP_SECONDS
        )
        stack.wait(timeout=STOP_SECONDS)
        assert "Stack stopped." in log.read_text()
    finally:
        if stack.poll() is None or group_members(stack.pid):
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait(timeout=30)
        redis.Redis.from_url(broker_url).flushdb()
    # Keys, static files and media went to the data directory, none into the tree.
    assert {"secret_key", "master.key", "staticfiles", "media"} <= {
        p.name for p in data.iterdir()
    }
    assert _tree(ROOT / "var") == in_tree
