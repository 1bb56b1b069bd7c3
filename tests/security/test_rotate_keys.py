"""rotate_keys re-wraps every data key under a new master key, never touching image bytes."""

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from accounts.models import SealedTOTPDevice
from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.security.totp import current_code
from vault import blobs, crypto
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _stored_hash(image: ClinicalImage) -> str:
    with default_storage.open(image.storage_name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _plain(image: ClinicalImage) -> bytes:
    key = blobs.data_key(image.public_id)
    return b"".join(blobs.read_decrypted(image.storage_name, key))


@pytest.fixture
def new_key(tmp_path: Path) -> tuple[str, Path]:
    encoded = base64.b64encode(os.urandom(32)).decode()
    path = tmp_path / "new.key"
    path.write_text(encoded + "\n")
    return encoded, path


@pytest.fixture
def photos(nurse: User, patient: Patient) -> list[ClinicalImage]:
    colours = ["salmon", "teal", "navy"]
    return [
        capture(actor=nurse, patient=patient, data=jpeg_bytes(color=c)) for c in colours
    ]


def test_old_images_open_only_through_the_rewrapped_keys(
    photos: list[ClinicalImage], new_key: tuple[str, Path], settings: Any
) -> None:
    encoded, path = new_key
    before = {p.pk: (_stored_hash(p), _plain(p)) for p in photos}
    old_master = settings.CUSTODIAN_MASTER_KEY
    call_command("rotate_keys", new_key_file=str(path))
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {
        crypto.master_key_id(encoded)
    }
    # The stored bytes are untouched; with the new key configured everything opens.
    settings.CUSTODIAN_MASTER_KEY = encoded
    for photo in photos:
        assert _stored_hash(photo) == before[photo.pk][0]
        assert _plain(photo) == before[photo.pk][1]
        assert hashlib.sha256(_plain(photo)).hexdigest() == photo.sha256
    # The retired key opens nothing any more: a stolen old key is worthless.
    settings.CUSTODIAN_MASTER_KEY = old_master
    for photo in photos:
        with pytest.raises(crypto.DecryptionError):
            blobs.data_key(photo.public_id)
    assert AuditEvent.objects.filter(action="keys_rotated").exists()


def test_an_interrupted_rotation_continues_where_it_stopped(
    photos: list[ClinicalImage], new_key: tuple[str, Path]
) -> None:
    encoded, path = new_key
    new_id = crypto.master_key_id(encoded)
    call_command("rotate_keys", new_key_file=str(path), batch_size=1, batches=1)
    assert DataKey.objects.filter(master_key_id=new_id).count() == 1
    first = DataKey.objects.get(master_key_id=new_id)
    call_command("rotate_keys", new_key_file=str(path), batch_size=1)
    assert DataKey.objects.filter(master_key_id=new_id).count() == 3
    # The row done in the first run was not wrapped a second time.
    assert DataKey.objects.get(pk=first.pk).wrapped_key == first.wrapped_key


def test_a_rerun_after_switching_to_the_new_key_takes_the_old_key_by_file(
    photos: list[ClinicalImage],
    new_key: tuple[str, Path],
    settings: Any,
    tmp_path: Path,
) -> None:
    encoded, path = new_key
    old_file = tmp_path / "old.key"
    old_file.write_text(settings.CUSTODIAN_MASTER_KEY)
    call_command("rotate_keys", new_key_file=str(path), batch_size=1, batches=2)
    settings.CUSTODIAN_MASTER_KEY = encoded
    with pytest.raises(CommandError, match="neither the old nor the new"):
        call_command("rotate_keys", new_key_file=str(path))
    call_command("rotate_keys", new_key_file=str(path), old_key_file=str(old_file))
    assert all(_plain(p) for p in photos)


def test_authenticator_secrets_are_rewrapped_too(
    records_manager: User, new_key: tuple[str, Path], settings: Any
) -> None:
    device = SealedTOTPDevice.new_for(records_manager)
    secret = device.bin_key
    encoded, path = new_key
    call_command("rotate_keys", new_key_file=str(path))
    settings.CUSTODIAN_MASTER_KEY = encoded
    device.refresh_from_db()
    assert device.bin_key == secret
    assert device.verify_token(current_code(device))


@pytest.mark.parametrize(
    "bad", ["", "not base64!", base64.b64encode(b"short").decode()]
)
def test_a_bad_new_key_changes_nothing(
    photos: list[ClinicalImage], tmp_path: Path, bad: str
) -> None:
    path = tmp_path / "bad.key"
    path.write_text(bad)
    wrapped = list(DataKey.objects.order_by("pk").values_list("wrapped_key", flat=True))
    with pytest.raises(CommandError):
        call_command("rotate_keys", new_key_file=str(path))
    assert (
        list(DataKey.objects.order_by("pk").values_list("wrapped_key", flat=True))
        == wrapped
    )
    assert not AuditEvent.objects.filter(action="keys_rotated").exists()


def test_the_master_key_never_lives_in_the_database(
    photos: list[ClinicalImage], settings: Any
) -> None:
    master = settings.CUSTODIAN_MASTER_KEY
    raw = base64.b64decode(master)
    for row in DataKey.objects.all():
        assert raw not in bytes(row.wrapped_key)
        assert row.master_key_id not in master
