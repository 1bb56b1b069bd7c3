"""A build killed midway and run again leaves exactly one complete bundle; expiry deletes it."""

import subprocess
import sys
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from legal import services
from legal.building import build_export_bundle
from legal.errors import ExportExpired
from legal.models import ExportBundle, LegalMatter
from legal.verify import verify_bundle
from tests.legal.conftest import bundle_bytes
from vault import blobs, crypto

pytestmark = pytest.mark.django_db


class WorkerKilled(Exception):
    pass


def _kill_after(images: int):  # type: ignore[no-untyped-def]
    def hook(done: int, total: int) -> None:
        if done >= images:
            raise WorkerKilled

    return hook


def _stored(media_root: Path) -> list[Path]:
    return sorted((media_root / "exports").rglob("*.enc"))


def test_a_build_killed_midway_and_rerun_yields_one_complete_bundle(
    legal_officer: User, matter: LegalMatter, media_root: Path, tmp_path: Path
) -> None:
    bundle = services.request_export(actor=legal_officer, matter=matter)
    with pytest.raises(WorkerKilled):
        build_export_bundle(bundle_id=bundle.pk, on_image=_kill_after(1))
    bundle.refresh_from_db()
    assert bundle.status == "failed"
    assert bundle.images_done == 1
    assert not (media_root / "exports").exists() or not _stored(media_root)

    build_export_bundle(bundle_id=bundle.pk)
    build_export_bundle(bundle_id=bundle.pk)  # a duplicate delivery does nothing
    bundle.refresh_from_db()
    assert bundle.status == "ready"
    assert bundle.attempts == 2
    assert len(_stored(media_root)) == 1
    path = tmp_path / "b.zip"
    path.write_bytes(bundle_bytes(bundle, legal_officer))
    assert "valid" in verify_bundle(path)


def test_an_object_stored_by_an_attempt_killed_before_it_finished_is_removed(
    legal_officer: User,
    matter: LegalMatter,
    media_root: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    bundle = services.request_export(actor=legal_officer, matter=matter)
    # What a worker killed between storing the ZIP and marking the bundle ready leaves.
    left = blobs.save_encrypted(
        f"exports/{bundle.public_id}/{'0' * 32}.zip.enc",
        [b"PK half a bundle"],
        crypto.new_data_key(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        build_export_bundle(bundle_id=bundle.pk)

    bundle.refresh_from_db()
    assert bundle.status == "ready"
    assert [p.relative_to(media_root).as_posix() for p in _stored(media_root)] == [
        bundle.storage_name
    ]
    assert bundle.storage_name != left
    out = StringIO()
    call_command("verify_storage", stdout=out, stderr=StringIO())
    assert "0 problems" in out.getvalue()
    built = AuditEvent.objects.get(action="export_built")
    assert built.detail["sha256"] == bundle.sha256


def test_a_killed_attempts_working_folder_is_removed_and_a_running_ones_kept(
    legal_officer: User,
    matter: LegalMatter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / "tmp" / f"custodian-export-{gone.pid}-abc"
    running = tmp_path / "tmp" / "custodian-export-1-def"
    for folder in (dead, running):
        folder.mkdir()
        (folder / "bundle.zip").write_bytes(b"PK partial")
    bundle = services.request_export(actor=legal_officer, matter=matter)

    build_export_bundle(bundle_id=bundle.pk)

    bundle.refresh_from_db()
    assert bundle.status == "ready"
    # The killed attempt's copies are gone, as is the build's own working folder.
    assert list((tmp_path / "tmp").iterdir()) == [running]


def test_each_download_is_counted_and_audited(
    built_bundle: ExportBundle, legal_officer: User
) -> None:
    bundle_bytes(built_bundle, legal_officer)
    bundle_bytes(built_bundle, legal_officer)
    built_bundle.refresh_from_db()
    assert built_bundle.download_count == 2
    assert AuditEvent.objects.filter(action="export_downloaded").count() == 2


def test_expired_bundles_are_deleted_while_the_matter_remains(
    built_bundle: ExportBundle,
    legal_officer: User,
    media_root: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.delete_expired_exports() == 1
        built_bundle.refresh_from_db()
        with pytest.raises(ExportExpired):
            services.download_export(actor=legal_officer, bundle=built_bundle)
    assert built_bundle.status == "expired"
    assert built_bundle.wrapped_key is None
    assert not _stored(media_root)
    assert LegalMatter.objects.filter(pk=built_bundle.matter_id).exists()
    assert AuditEvent.objects.filter(action="export_expired").count() == 1
    assert AuditEvent.objects.filter(action="export_downloaded").count() == 0


def test_a_bundle_still_within_its_week_is_kept(built_bundle: ExportBundle) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert services.delete_expired_exports() == 0
    built_bundle.refresh_from_db()
    assert built_bundle.status == "ready"
