"""Beat sends the scheduled tasks, and a real worker runs them."""

from pathlib import Path

import pytest

from audit.models import AuditEvent
from retention.models import DisposalBatch
from tests.workers.conftest import Stack, lines, wait_for
from tests.workers.retention_case import (
    NIGHTLY_SWEEP,
    only_the_due_photo_awaits_review,
    proposed_batch,
    three_photos_under_the_schedule,
)

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


def _sweeps_sent(stack: Stack) -> int:
    log = next(stack.data_dir.glob("beat-*.log")).read_text()
    return log.count(
        f"Sending due task {NIGHTLY_SWEEP} (retention.tasks.sweep_retention)"
    )


def test_beat_starts_the_nightly_sweep_which_proposes_the_due_photo_once(
    stack: Stack, request: pytest.FixtureRequest
) -> None:
    stack.extra_env["TEST_RETENTION_SWEEP_SECONDS"] = "1"
    case = three_photos_under_the_schedule(request)
    stack.start_worker()

    beat = stack.start_beat()

    wait_for(lambda: proposed_batch() is not None, "beat's sweep to propose a batch")
    # Later nights' sweeps find the due photo already awaiting review.
    proposed_after = _sweeps_sent(stack)
    assert proposed_after >= 1
    wait_for(lambda: _sweeps_sent(stack) >= proposed_after + 2, "two more sweeps")
    stack.stop(beat)
    wait_for(stack.idle, "the worker to run every sweep beat sent")
    worker_log = next(stack.data_dir.glob("worker-*.log")).read_text()
    assert "ERROR/" not in worker_log
    assert DisposalBatch.objects.count() == 1
    only_the_due_photo_awaits_review(case)
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.DISPOSAL_PROPOSED).count()
        == 1
    )
