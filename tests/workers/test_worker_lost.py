"""A task whose worker dies mid-way is run again and completes exactly once."""

import hashlib
import io
import os
import signal
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from PIL import Image

from audit.models import AuditEvent
from config.celery import app as celery_app
from legal.models import ExportBundle
from legal.services import download_export, open_matter, request_export
from records.models import Patient
from tests.factories import capture
from tests.workers.conftest import Stack, children_of, lines, wait_for

pytestmark = pytest.mark.real_worker

HOLD = "tests.workers.hooks.hold_until_released"
# Enough sizeable originals that the build spends seconds on them, one at a time, so a
# kill while it reports some but not all of them done lands in the middle of the build.
EXPORT_IMAGES = 6
PHOTO_SIZE = (2400, 1800)


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


def _noise_photo() -> bytes:
    # Noise does not compress: each original is megabytes, as a camera's photo is.
    width, height = PHOTO_SIZE
    picture = Image.frombytes("RGB", PHOTO_SIZE, os.urandom(width * height * 3))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _stored_bundles(media: Path) -> list[str]:
    return sorted(p.relative_to(media).as_posix() for p in media.glob("exports/**/*.*"))


def test_an_export_whose_pool_child_is_killed_mid_build_is_built_exactly_once(
    stack: Stack,
    nurse: User,
    patient: Patient,
    legal_officer: User,
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "worker-tmp"
    scratch.mkdir()
    stack.extra_env["TMPDIR"] = str(scratch)
    for _ in range(EXPORT_IMAGES):
        capture(actor=nurse, patient=patient, data=_noise_photo())
    matter = open_matter(
        actor=legal_officer,
        reference="KILLED-1",
        kind="litigation",
        patients=[patient.public_id],
    )
    worker = stack.start_worker()
    bundle = request_export(actor=legal_officer, matter=matter)

    def part_way() -> bool:
        bundle.refresh_from_db()
        return (
            bundle.status == ExportBundle.Status.BUILDING
            and 0 < bundle.images_done < bundle.images_total
        )

    wait_for(part_way, "the build to be part-way through its images", 120)
    [child] = children_of(worker.pid)
    os.kill(child, signal.SIGKILL)

    def ready() -> bool:
        bundle.refresh_from_db()
        return bundle.status == ExportBundle.Status.READY

    wait_for(ready, "the build to be redelivered and finished", 180)
    wait_for(stack.idle, "the build to return")
    stack.stop(worker)

    # Run again from scratch after the kill, once, and finished by the second run.
    assert bundle.attempts == 2
    assert (bundle.progress, bundle.images_done) == (100, EXPORT_IMAGES)
    media = stack.data_dir / "media"
    assert _stored_bundles(media) == [bundle.storage_name]
    # Nothing of the killed attempt's partial ZIP is left on the worker's disk either.
    assert not list(scratch.glob("custodian-export-*"))
    built = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_BUILT)
    assert [event.detail["sha256"] for event in built] == [bundle.sha256]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1
    out = io.StringIO()
    call_command("verify_storage", stdout=out, stderr=io.StringIO())
    assert " 0 problems." in out.getvalue()
    zipped = b"".join(download_export(actor=legal_officer, bundle=bundle))
    assert hashlib.sha256(zipped).hexdigest() == bundle.sha256
    assert len(zipped) == bundle.size_bytes
    (tmp_path / "bundle.zip").write_bytes(zipped)
    out = io.StringIO()
    call_command("verify_export", str(tmp_path / "bundle.zip"), stdout=out)
    assert out.getvalue().startswith("OK:")
    with zipfile.ZipFile(tmp_path / "bundle.zip") as bag:
        originals = [n for n in bag.namelist() if "/data/originals/" in n]
    assert len(originals) == EXPORT_IMAGES
