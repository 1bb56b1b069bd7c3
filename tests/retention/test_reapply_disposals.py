"""The register exported as written, and disposals re-applied from it after a restore."""

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from imaging.models import ClinicalImage, Derivative
from retention.certificate import register_rows
from retention.disposal import carry_out_due_disposals
from retention.models import DisposalBatch, DisposalRecord
from tests.retention.conftest import dispose_of_due
from tests.storage.verifying import verify, verify_fails
from vault import blobs
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _exported(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(folder.glob("register-*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def _readable(image: ClinicalImage) -> bool:
    try:
        key = blobs.data_key(image.public_id)
        b"".join(blobs.read_decrypted(image.storage_name, key))
    except (DataKey.DoesNotExist, FileNotFoundError):
        return False
    return True


def _reapply(*args: str) -> str:
    out = StringIO()
    call_command("reapply_disposals", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def restored(
    settings: Any,
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
) -> ClinicalImage:
    """The photo disposed of after a backup, then that backup restored: the database,
    key store and objects as before the disposal; the register export kept apart."""
    media = Path(settings.MEDIA_ROOT)
    shutil.copytree(media, media.with_name("backup"))
    key = DataKey.objects.values().get(image_public_id=due_photo.public_id)
    derivatives = list(Derivative.objects.filter(image=due_photo).values())
    dispose_of_due(records_manager, records_manager2)
    assert not _readable(due_photo)

    # The restored database never saw the sweep, the batch or the register entry.
    with connection.cursor() as cursor:
        for table in ("records_disposalrecord", "records_disposalitem"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        cursor.execute("DELETE FROM records_disposalbatch")
    ClinicalImage.objects.filter(pk=due_photo.pk).update(
        status=ClinicalImage.Status.ACTIVE, disposed_at=None
    )
    for row in derivatives:
        Derivative.objects.create(**row)
    DataKey.objects.create(**key)
    shutil.rmtree(media)
    shutil.copytree(media.with_name("backup"), media)
    due_photo.refresh_from_db()
    assert _readable(due_photo)
    return due_photo


def test_a_disposal_appends_its_register_entry_to_the_export(
    settings: Any,
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
) -> None:
    batch = dispose_of_due(records_manager, records_manager2)

    [entry] = _exported(settings.CUSTODIAN_REGISTER_EXPORT_DIR)
    record = DisposalRecord.objects.get()
    header, row = register_rows([record])
    assert {name: entry[name] for name in header} == dict(zip(header, row, strict=True))
    assert entry["image_public_id"] == str(due_photo.public_id)
    assert entry["batch_detail"]["second_approved_by"] == records_manager2.username
    assert set(entry["storage_names"]) >= {due_photo.storage_name}
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.COMPLETED


def test_reapplying_destroys_the_restored_image_again_and_a_second_run_changes_nothing(
    settings: Any, restored: ClinicalImage, django_capture_on_commit_callbacks: Any
) -> None:
    folder = str(settings.CUSTODIAN_REGISTER_EXPORT_DIR)
    events = AuditEvent.objects.count()
    assert "Would re-apply 1, already disposed 0" in _reapply(folder, "--dry-run")
    assert _readable(restored)
    assert AuditEvent.objects.count() == events

    with django_capture_on_commit_callbacks(execute=True):
        said = _reapply(folder)

    assert f"re-applied {restored.public_id}: image not disposed" in said
    assert "Re-applied 1, already disposed 0, unknown images 0." in said
    restored.refresh_from_db()
    assert restored.status == ClinicalImage.Status.DISPOSED
    assert not _readable(restored)
    assert not default_storage.exists(restored.storage_name)
    [entry] = _exported(settings.CUSTODIAN_REGISTER_EXPORT_DIR)
    record = DisposalRecord.objects.get(image_public_id=restored.public_id)
    assert record.destroyed_at.isoformat() == entry["destroyed_at"]
    assert restored.disposed_at == record.destroyed_at
    assert record.batch.status == DisposalBatch.Status.COMPLETED
    assert str(record.batch.public_id) == entry["batch"]
    event = AuditEvent.objects.get(action="disposal_reapplied")
    assert event.object_id == str(restored.public_id)
    assert "data key present" in event.detail["undone"]
    call_command("verify_audit", stdout=StringIO())
    verify("--skip-orphans")

    again = _reapply(folder)
    assert "Re-applied 0, already disposed 1, unknown images 0." in again
    assert "Nothing to re-apply" in again
    assert AuditEvent.objects.count() == events + 1


def test_a_malformed_export_is_refused_and_nothing_is_destroyed(
    settings: Any, restored: ClinicalImage
) -> None:
    folder = Path(settings.CUSTODIAN_REGISTER_EXPORT_DIR)
    (folder / "register-2099-01-01.jsonl").write_text('{"image_public_id": "x"}\n')
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match=r"register-2099-01-01\.jsonl:1"):
        _reapply(str(folder))

    restored.refresh_from_db()
    assert restored.status == ClinicalImage.Status.ACTIVE
    assert _readable(restored)
    assert not DisposalRecord.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_entry_for_an_image_the_database_never_had_is_reported(
    settings: Any, restored: ClinicalImage
) -> None:
    folder = Path(settings.CUSTODIAN_REGISTER_EXPORT_DIR)
    [entry] = _exported(folder)
    stranger = {**entry, "image_public_id": "00000000-0000-4000-8000-000000000001"}
    (folder / "register-2000-01-01.jsonl").write_text(json.dumps(stranger) + "\n")

    said = _reapply(str(folder))

    assert f"unknown image {stranger['image_public_id']}" in said
    assert "Re-applied 1, already disposed 0, unknown images 1." in said


def test_an_export_that_cannot_be_written_keeps_the_batch_going_until_it_can(
    settings: Any,
    tmp_path: Path,
    due_photo: ClinicalImage,
    records_manager: User,
    records_manager2: User,
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    settings.CUSTODIAN_REGISTER_EXPORT_DIR = tmp_path / "not-a-folder" / "register"

    batch = dispose_of_due(records_manager, records_manager2)

    due_photo.refresh_from_db()
    assert due_photo.status == ClinicalImage.Status.DISPOSED
    assert not _readable(due_photo)
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.DISPOSING
    _, problems = verify_fails("--skip-orphans")
    assert f"UNEXPORTED: register entry {due_photo.public_id}" in problems

    settings.CUSTODIAN_REGISTER_EXPORT_DIR = tmp_path / "register"
    carry_out_due_disposals()

    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.COMPLETED
    assert len(_exported(tmp_path / "register")) == 1
    verify("--skip-orphans")
