"""Beat sends the scheduled tasks, and a real worker runs them."""

from pathlib import Path

import pytest

from tests.workers.conftest import Stack, lines, wait_for

pytestmark = pytest.mark.real_worker


def test_beat_sends_scheduled_work_that_a_worker_runs(
    stack: Stack, tmp_path: Path
) -> None:
    beats = tmp_path / "beats"
    beats.mkdir()
    stack.extra_env["TEST_HEARTBEAT_DIR"] = str(beats)
    stack.start_worker()

    stack.start_beat()

    wait_for(lambda: len(lines(beats / "beats")) >= 2, "two scheduled runs")
    log = next(stack.data_dir.glob("beat-*.log")).read_text()
    assert "Sending due task test-heartbeat" in log
    # The production schedule loaded beside the test's entry.
    assert "<ScheduleEntry: audit-checkpoint-daily" in log
