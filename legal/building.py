"""Running one bundle build: claim, build to a temporary file, encrypt to storage, finish.

Safe to run twice and after a crash: each attempt claims the row with a fresh token and
builds from scratch; only the attempt still holding the token may mark the bundle ready,
and any other attempt discards what it stored. So a re-run after a worker died midway
leaves exactly one complete bundle. A worker killed outright (SIGKILL, the OOM killer) runs
no cleanup: the attempt that finishes removes any object an earlier one stored under the
bundle's folder, and each attempt removes the working folders dead processes left behind.
"""

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from audit.services import Action, record_event
from legal.bagit import CHUNK
from legal.bundle import build_bag
from legal.models import ExportBundle
from legal.services import bundle_context, expiry_from
from vault import blobs, crypto

RESUMABLE = (
    ExportBundle.Status.QUEUED,
    ExportBundle.Status.BUILDING,
    ExportBundle.Status.FAILED,
)
Progress = Callable[[int, int], None]
# Working folders are named custodian-export-<pid>-<random>, so that a later attempt can
# tell one whose process is gone from one still in use by a build running beside it.
WORK_PREFIX = "custodian-export-"


def _claim(bundle_id: int) -> str | None:
    token = uuid.uuid4().hex
    claimed = ExportBundle.objects.filter(pk=bundle_id, status__in=RESUMABLE).update(
        status=ExportBundle.Status.BUILDING,
        build_token=token,
        attempts=F("attempts") + 1,
        progress=0,
        images_done=0,
        error="",
    )
    return token if claimed else None


def _mine(bundle_id: int, token: str) -> QuerySet[ExportBundle]:
    return ExportBundle.objects.filter(
        pk=bundle_id, build_token=token, status=ExportBundle.Status.BUILDING
    )


def _reporter(bundle_id: int, token: str, hook: Progress | None) -> Progress:
    def report(done: int, total: int) -> None:
        # 100% is kept for the moment the bundle is stored and ready.
        percent = min(99, done * 100 // max(total, 1))
        _mine(bundle_id, token).update(images_done=done, progress=percent)
        if hook:
            hook(done, total)

    return report


def _hashed(path: Path, digest: "hashlib._Hash") -> Iterator[bytes]:
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            yield chunk


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # Another user's process: running, and not ours to judge.
        return True
    return True


def _remove_dead_work() -> None:
    """Delete working folders (a partial ZIP, copies of originals) of killed attempts."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = folder.name.removeprefix(WORK_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _is_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def build_export_bundle(*, bundle_id: int, on_image: Progress | None = None) -> None:
    """Build the bundle if it is not built yet; on failure record why and re-raise."""
    token = _claim(bundle_id)
    if token is None:
        return
    bundle = ExportBundle.objects.select_related("matter", "requested_by").get(
        pk=bundle_id
    )
    _remove_dead_work()
    try:
        with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-") as work:
            zip_path = Path(work) / "bundle.zip"
            count, head_hash = build_bag(
                bundle, zip_path, Path(work), _reporter(bundle_id, token, on_image)
            )
            key = crypto.new_data_key()
            digest = hashlib.sha256()
            stored = blobs.save_encrypted(
                f"exports/{bundle.public_id}/{token}.zip.enc",
                _hashed(zip_path, digest),
                key,
            )
            _finish(
                bundle,
                token,
                stored,
                key,
                (digest.hexdigest(), zip_path.stat().st_size, count, head_hash),
            )
    except Exception as exc:
        _mine(bundle_id, token).update(
            status=ExportBundle.Status.FAILED, error=str(exc)[:500]
        )
        raise


@transaction.atomic
def _finish(
    bundle: ExportBundle,
    token: str,
    stored: str,
    key: bytes,
    built: tuple[str, int, int, str],
) -> None:
    sha256, size, count, head_hash = built
    now = timezone.now()
    finished = _mine(bundle.pk, token).update(
        status=ExportBundle.Status.READY,
        storage_name=stored,
        wrapped_key=crypto.wrap_key(key, context=bundle_context(bundle)),
        sha256=sha256,
        size_bytes=size,
        progress=100,
        images_done=count,
        images_total=count,
        audit_head_hash=head_hash,
        built_at=now,
        expires_at=expiry_from(now),
    )
    if not finished:
        # Another attempt took the bundle over: keep only its object.
        transaction.on_commit(lambda: blobs.discard(stored))
        return
    record_event(
        actor=None,
        action=Action.EXPORT_BUILT,
        target=bundle,
        detail={
            "matter": bundle.matter.reference,
            "sha256": sha256,
            "size": size,
            "images": count,
        },
    )
    transaction.on_commit(lambda: _discard_other_objects(bundle, stored))


def _discard_other_objects(bundle: ExportBundle, kept: str) -> None:
    # Only the finishing attempt's object is claimed by the row; any other under the
    # bundle's folder was stored by an attempt killed before it could finish.
    for name in list(blobs.stored_names(f"exports/{bundle.public_id}")):
        if name != kept:
            blobs.discard(name)
