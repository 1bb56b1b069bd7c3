"""A bundle round-trips: exact originals, a valid bag by every tool, and no silent change."""

import hashlib
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
from django.core.management import CommandError, call_command

from imaging.models import ClinicalImage
from legal.models import ExportBundle
from legal.verify import BundleInvalid, verify_bundle
from tests.legal.conftest import members

pytestmark = pytest.mark.django_db


def test_originals_in_the_bundle_match_the_sha256_recorded_at_upload(
    bundle_zip: Path, wound_photo: ClinicalImage, second_photo: ClinicalImage
) -> None:
    files = members(bundle_zip)
    originals = {
        hashlib.sha256(data).hexdigest()
        for name, data in files.items()
        if "/data/originals/" in name
    }
    assert originals == {wound_photo.sha256, second_photo.sha256}
    names = sorted(n.split("/")[-1] for n in files if "/data/originals/" in n)
    assert names == ["RPA.001.001.0001.jpg", "RPA.001.001.0002.jpg"]


def test_the_bundle_is_ready_with_its_hash_and_a_seven_day_expiry(
    built_bundle: ExportBundle, bundle_zip: Path
) -> None:
    assert built_bundle.status == "ready"
    assert built_bundle.progress == 100
    assert built_bundle.images_done == 2
    assert built_bundle.sha256 == hashlib.sha256(bundle_zip.read_bytes()).hexdigest()
    assert built_bundle.expires_at is not None
    assert built_bundle.built_at is not None
    assert (built_bundle.expires_at - built_bundle.built_at).days == 7


def test_the_bundle_is_encrypted_at_rest(
    built_bundle: ExportBundle, bundle_zip: Path, media_root: Path
) -> None:
    stored = (media_root / built_bundle.storage_name).read_bytes()
    assert b"manifest-sha256.txt" not in stored
    assert stored != bundle_zip.read_bytes()


def test_verify_export_passes_on_a_fresh_bundle(bundle_zip: Path) -> None:
    assert "valid" in verify_bundle(bundle_zip)
    call_command("verify_export", str(bundle_zip))


def test_sha256sum_and_the_bagit_validator_pass_on_the_unpacked_bundle(
    bundle_zip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "unpacked"
    with zipfile.ZipFile(bundle_zip) as bag:
        bag.extractall(out)
    (root,) = list(out.iterdir())
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        result = subprocess.run(  # noqa: S603
            ["sha256sum", "--strict", "-c", manifest],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    bag = bagit.Bag(str(root))
    bag.validate()
    assert bag.info["External-Identifier"] == "NSWSC 2026/123"
    assert bag.info["Original-Count"] == "2"


def _rewrite_with_flip(source: Path, target: Path, victim: str) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = bytearray(old.read(name))
            if name == victim:
                data[len(data) // 2] ^= 0x01
            new.writestr(name, bytes(data))


def test_flipping_one_byte_in_any_file_fails_verification(
    bundle_zip: Path, tmp_path: Path
) -> None:
    names = [n for n in members(bundle_zip) if not n.endswith("/")]
    assert len(names) > 12
    for victim in names:
        damaged = tmp_path / "damaged.zip"
        _rewrite_with_flip(bundle_zip, damaged, victim)
        with pytest.raises(BundleInvalid):
            verify_bundle(damaged)
    with pytest.raises(CommandError, match="INVALID"):
        call_command("verify_export", str(damaged))


def test_a_flipped_byte_in_the_raw_zip_fails_verification(
    bundle_zip: Path, tmp_path: Path
) -> None:
    raw = bytearray(bundle_zip.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    damaged = tmp_path / "raw.zip"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(BundleInvalid):
        verify_bundle(damaged)
