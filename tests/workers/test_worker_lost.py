"""A task whose worker dies mid-way is run again and completes exactly once."""

import os
import signal
from pathlib import Path

import pytest

from config.celery import app as celery_app
from tests.workers.conftest import Stack, lines, wait_for

pytestmark = pytest.mark.real_worker

HOLD = "tests.workers.hooks.hold_until_released"


@pytest.fixture
def marks(tmp_path: Path) -> Path:
    folder = tmp_path / "marks"
    folder.mkdir()
    return folder


def test_a_task_whose_pool_child_is_killed_is_redelivered_and_completes_once(
    stack: Stack, marks: Path
) -> None:
    worker = stack.start_worker()
    celery_app.send_task(HOLD, args=[str(marks)])
    wait_for(lambda: len(lines(marks / "started")) == 1, "the task to start")

    first_child = int(lines(marks / "started")[0])
    os.kill(first_child, signal.SIGKILL)
    wait_for(lambda: len(lines(marks / "started")) == 2, "the task to be redelivered")
    (marks / "release").touch()
    wait_for(lambda: lines(marks / "completed"), "the task to complete")
    stack.stop(worker)

    started = lines(marks / "started")
    assert started[1] != started[0]
    assert lines(marks / "completed") == [started[1]]


def test_a_task_whose_whole_worker_is_killed_completes_once_after_restart(
    stack: Stack, marks: Path
) -> None:
    stack.extra_env["TEST_VISIBILITY_TIMEOUT"] = "2"
    lost = stack.start_worker()
    celery_app.send_task(HOLD, args=[str(marks)])
    wait_for(lambda: len(lines(marks / "started")) == 1, "the task to start")

    stack.kill(lost)
    (marks / "release").touch()
    restarted = stack.start_worker()
    wait_for(lambda: lines(marks / "completed"), "the task to be redelivered")
    stack.stop(restarted)

    assert len(lines(marks / "started")) == 2
    assert len(lines(marks / "completed")) == 1
