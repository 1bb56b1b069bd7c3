"""Test-only tasks, loaded into the workers that tests start (never into the application)."""

import os
import time
from pathlib import Path

from celery import shared_task

PATIENCE_SECONDS = 120


def _append_pid(path: Path) -> None:
    with path.open("a") as marks:
        marks.write(f"{os.getpid()}\n")


@shared_task
def hold_until_released(workdir: str) -> None:
    """Mark the start, wait until the test releases it, mark the finish: killable mid-task."""
    folder = Path(workdir)
    _append_pid(folder / "started")
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("The test never released this task.")
        time.sleep(0.05)
    _append_pid(folder / "completed")


@shared_task
def heartbeat(workdir: str) -> None:
    """What beat sends every second in the beat test."""
    _append_pid(Path(workdir) / "beats")
