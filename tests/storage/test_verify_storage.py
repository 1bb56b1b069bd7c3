"""verify_storage finds every kind of storage problem, on local files and on S3."""

import json
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from imaging.models import ClinicalImage, Derivative
from imaging.services import make_derivatives
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.storage.conftest import Backend
from tests.storage.verifying import damage, replace_object, verify, verify_fails
from vault import blobs, crypto
from vault.models import DataKey
from vault.verification import Throttle


@pytest.fixture
def photo_with_derivatives(wound_photo: ClinicalImage) -> ClinicalImage:
    make_derivatives(image_id=wound_photo.pk)
    return wound_photo


def test_a_healthy_store_passes(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    out, err = verify()

    assert (
        "Checked 1 images, 0 hard-copy files, 0 export bundles, "
        "0 disposal register entries, 1 data keys, "
        "3 stored objects listed: 0 problems." in out
    )
    assert err == ""


def test_a_missing_original_is_reported_and_fails_the_run(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    default_storage.delete(photo_with_derivatives.storage_name)

    summary, err = verify_fails()

    assert f"MISSING: {photo_with_derivatives.storage_name}" in err
    assert "1 problem." in summary


def test_an_original_altered_under_its_own_key_is_reported(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    key = blobs.data_key(photo_with_derivatives.public_id)
    swapped = crypto.encrypt_bytes(jpeg_bytes(color="navy"), key)
    replace_object(photo_with_derivatives.storage_name, swapped)

    _, err = verify_fails()

    assert f"ALTERED: {photo_with_derivatives.storage_name}" in err
    assert photo_with_derivatives.sha256 in err


def test_a_damaged_original_that_no_longer_decrypts_is_reported(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    damage(photo_with_derivatives.storage_name)

    _, err = verify_fails()

    assert f"UNDECRYPTABLE: {photo_with_derivatives.storage_name}" in err


def test_missing_and_altered_derivatives_are_reported(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    thumbnail = photo_with_derivatives.derivatives.get(kind=Derivative.Kind.THUMBNAIL)
    preview = photo_with_derivatives.derivatives.get(kind=Derivative.Kind.PREVIEW)
    default_storage.delete(thumbnail.storage_name)
    key = blobs.data_key(photo_with_derivatives.public_id)
    replace_object(preview.storage_name, crypto.encrypt_bytes(b"not the preview", key))

    summary, err = verify_fails()

    assert f"MISSING: {thumbnail.storage_name}: thumbnail of image" in err
    assert f"ALTERED: {preview.storage_name}: preview of image" in err
    assert "2 problems." in summary


def test_an_image_whose_data_key_is_gone_is_reported(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    DataKey.objects.filter(image_public_id=photo_with_derivatives.public_id).delete()

    _, err = verify_fails()

    assert f"NO_KEY: {photo_with_derivatives.storage_name}" in err
    assert "data key is gone" in err


def test_a_disposed_image_whose_key_survives_is_reported(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    # As if a disposal committed but died before shredding the key (keys kept apart).
    ClinicalImage.objects.filter(pk=photo_with_derivatives.pk).update(
        status=ClinicalImage.Status.DISPOSED, disposed_at=timezone.now()
    )

    summary, err = verify_fails("--skip-orphans")

    assert f"UNSHREDDED: data key {photo_with_derivatives.public_id}" in err
    assert "run the disposal again" in err
    assert "1 problem." in summary


def test_a_key_that_nothing_uses_is_an_orphan(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    unused = uuid.uuid4()
    blobs.create_data_key(unused)

    summary, err = verify_fails("--skip-orphans")

    assert f"ORPHAN_KEY: data key {unused}" in err
    assert str(photo_with_derivatives.public_id) not in err
    assert "2 data keys" in summary
    assert "1 problem." in summary


def test_objects_that_no_record_claims_are_reported_as_orphans(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    stray = default_storage.save(
        "originals/ab/abcdef/0b0e3f1e-0000-4000-8000-000000000000.enc",
        ContentFile(b"left by a crash"),
    )
    unparseable = default_storage.save("derivatives/zz/junk", ContentFile(b"?"))

    summary, err = verify_fails()

    assert f"ORPHAN: {stray}" in err
    assert f"ORPHAN: {unparseable}" in err
    assert photo_with_derivatives.storage_name not in err
    assert "2 problems." in summary


def test_skip_orphans_leaves_out_the_listing(
    backend: Backend, photo_with_derivatives: ClinicalImage
) -> None:
    default_storage.save("derivatives/zz/junk", ContentFile(b"?"))

    out, err = verify("--skip-orphans")

    assert "0 problems." in out
    assert err == ""


def _three_photos(nurse: User, patient: Patient) -> list[ClinicalImage]:
    return [
        capture(actor=nurse, patient=patient, data=jpeg_bytes(color=color))
        for color in ("red", "green", "blue")
    ]


def test_after_starts_past_the_given_image(
    backend: Backend, nurse: User, patient: Patient
) -> None:
    first, *_ = _three_photos(nurse, patient)
    default_storage.delete(first.storage_name)

    out, _ = verify("--after", str(first.pk), "--skip-orphans")

    assert "Checked 2 images" in out


def test_a_stopped_run_resumes_from_its_progress_file(
    backend: Backend, nurse: User, patient: Patient, tmp_path: Path
) -> None:
    first, second, _ = _three_photos(nurse, patient)
    progress = tmp_path / "verify.progress"
    progress.write_text(json.dumps({"phase": "images", "after_id": second.pk}))
    default_storage.delete(first.storage_name)

    out, _ = verify("--progress", str(progress), "--skip-orphans")

    assert "Checked 1 images" in out
    # A completed run clears its resume point, so the next one starts from the top.
    assert not progress.exists()
    _, err = verify_fails("--progress", str(progress), "--skip-orphans")
    assert f"MISSING: {first.storage_name}" in err


def test_a_resumed_listing_starts_after_the_last_name_seen(
    backend: Backend, photo_with_derivatives: ClinicalImage, tmp_path: Path
) -> None:
    early = default_storage.save("derivatives/00/early", ContentFile(b"?"))
    late = default_storage.save("originals/ff/late", ContentFile(b"?"))
    progress = tmp_path / "verify.progress"
    progress.write_text(
        json.dumps({"phase": "orphans", "after_name": "derivatives/01"})
    )

    _, err = verify_fails("--progress", str(progress))

    assert f"ORPHAN: {late}" in err
    assert early not in err


def test_a_rate_below_one_object_is_refused(backend: Backend, db: None) -> None:
    summary, _ = verify_fails("--rate", "0")

    assert "--rate must be a positive number" in summary


def test_the_throttle_spaces_reads_at_the_requested_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(9):
        throttle.wait()

    # Nine reads at four a second: the first at once, then a quarter second apart.
    assert sum(slept) == pytest.approx(2.0)
