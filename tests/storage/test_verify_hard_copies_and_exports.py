"""verify_storage checks hard-copy PDFs and export bundles as it checks images."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase

from hardcopy.models import HardCopy, HardCopyFile
from hardcopy.retention import destroy_pending_hard_copies
from hardcopy.services import file_key, request_hard_copy
from imaging.models import ClinicalImage
from legal.building import build_export_bundle
from legal.models import ExportBundle
from legal.services import (
    bundle_key,
    delete_expired_exports,
    open_matter,
    request_export,
)
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.storage.conftest import Backend
from tests.storage.verifying import damage, replace_object, verify, verify_fails
from vault import crypto


def _print(nurse: User, *images: ClinicalImage) -> HardCopyFile:
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy = request_hard_copy(
            actor=nurse, image_ids=[str(image.public_id) for image in images]
        )
    copy.refresh_from_db()
    assert copy.status == HardCopy.Status.READY
    return copy.files.get()


@pytest.fixture
def one_image_copy(nurse: User, wound_photo: ClinicalImage) -> HardCopyFile:
    """A copy of one image: its PDF is under the image's own key."""
    return _print(nurse, wound_photo)


@pytest.fixture
def selection_copy(
    nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> HardCopyFile:
    """A copy of two images: its PDF is under a key of the copy's own."""
    heel = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    pdf_file = _print(nurse, wound_photo, heel)
    assert pdf_file.hard_copy.has_own_key
    return pdf_file


def _export(legal_officer: User, patient: Patient) -> ExportBundle:
    matter = open_matter(
        actor=legal_officer,
        reference="VERIFY-1",
        kind="litigation",
        patients=[patient.public_id],
    )
    bundle = request_export(actor=legal_officer, matter=matter)
    build_export_bundle(bundle_id=bundle.pk)
    bundle.refresh_from_db()
    assert bundle.status == ExportBundle.Status.READY
    return bundle


@pytest.fixture
def bundle(
    legal_officer: User, patient: Patient, wound_photo: ClinicalImage
) -> ExportBundle:
    return _export(legal_officer, patient)


def test_stored_hard_copies_and_bundles_pass_and_are_no_orphans(
    backend: Backend,
    one_image_copy: HardCopyFile,
    selection_copy: HardCopyFile,
    bundle: ExportBundle,
) -> None:
    out, err = verify()

    assert err == ""
    # Two originals, two PDFs and a bundle: each checked, each claimed by its row.
    assert (
        "Checked 2 images, 2 hard-copy files, 1 export bundles, "
        "0 disposal register entries, 3 data keys, "
        "5 stored objects listed: 0 problems." in out
    )


def test_a_forged_hard_copy_pdf_is_reported_and_fails_the_run(
    backend: Backend, selection_copy: HardCopyFile
) -> None:
    key = file_key(selection_copy.hard_copy)
    forged = crypto.encrypt_bytes(b"%PDF-1.4 not what was printed", key)
    replace_object(selection_copy.storage_name, forged)

    summary, err = verify_fails()

    assert f"ALTERED: {selection_copy.storage_name}: file 1 of hard copy" in err
    assert selection_copy.sha256 in err
    assert "1 problem." in summary


def test_a_damaged_hard_copy_pdf_that_no_longer_decrypts_is_reported(
    backend: Backend, one_image_copy: HardCopyFile
) -> None:
    damage(one_image_copy.storage_name)

    _, err = verify_fails()

    assert f"UNDECRYPTABLE: {one_image_copy.storage_name}" in err


def test_a_forged_bundle_is_reported_and_fails_the_run(
    backend: Backend, bundle: ExportBundle
) -> None:
    forged = crypto.encrypt_bytes(b"PK not the bundle", bundle_key(bundle))
    replace_object(bundle.storage_name, forged)

    summary, err = verify_fails()

    assert f"ALTERED: {bundle.storage_name}: export bundle {bundle.public_id}" in err
    assert bundle.sha256 in err
    assert "1 problem." in summary


def test_a_missing_hard_copy_and_a_missing_bundle_are_reported(
    backend: Backend, one_image_copy: HardCopyFile, bundle: ExportBundle
) -> None:
    default_storage.delete(one_image_copy.storage_name)
    default_storage.delete(bundle.storage_name)

    summary, err = verify_fails()

    assert f"MISSING: {one_image_copy.storage_name}: file 1 of hard copy" in err
    assert f"MISSING: {bundle.storage_name}: export bundle" in err
    assert "2 problems." in summary


def test_destroyed_hard_copies_and_expired_bundles_are_not_missed(
    backend: Backend,
    settings: Any,
    legal_officer: User,
    patient: Patient,
    one_image_copy: HardCopyFile,
) -> None:
    settings.CUSTODIAN_EXPORT_EXPIRY_DAYS = 0
    bundle = _export(legal_officer, patient)
    with TestCase.captureOnCommitCallbacks(execute=True):
        # What disposal of the image and the hourly expiry do to their objects.
        destroy_pending_hard_copies(one_image_copy.hard_copy.images.get())
        assert delete_expired_exports() == 1
    assert not default_storage.exists(one_image_copy.storage_name)
    assert not default_storage.exists(bundle.storage_name)

    out, err = verify()

    assert err == ""
    assert "0 hard-copy files, 0 export bundles" in out
    assert "0 problems." in out


def test_hard_copy_and_bundle_objects_that_no_row_claims_are_orphans(
    backend: Backend, one_image_copy: HardCopyFile, bundle: ExportBundle
) -> None:
    stray_pdf = default_storage.save(
        f"hardcopies/ab/{uuid.uuid4()}/part-001.enc", ContentFile(b"left by a crash")
    )
    stray_zip = default_storage.save(
        f"exports/{uuid.uuid4()}/{uuid.uuid4().hex}.zip.enc", ContentFile(b"?")
    )
    # A second attempt's object beside the bundle's own: its row names only one.
    superseded = default_storage.save(
        f"exports/{bundle.public_id}/{uuid.uuid4().hex}.zip.enc", ContentFile(b"?")
    )

    summary, err = verify_fails()

    assert f"ORPHAN: {stray_pdf}" in err
    assert f"ORPHAN: {stray_zip}" in err
    assert f"ORPHAN: {superseded}" in err
    assert one_image_copy.storage_name not in err
    assert f"ORPHAN: {bundle.storage_name}" not in err
    assert "3 problems." in summary


def test_a_run_stopped_among_the_hard_copies_resumes_there(
    backend: Backend,
    one_image_copy: HardCopyFile,
    selection_copy: HardCopyFile,
    bundle: ExportBundle,
    tmp_path: Path,
) -> None:
    default_storage.delete(one_image_copy.storage_name)
    default_storage.delete(bundle.storage_name)
    progress = tmp_path / "verify.progress"
    progress.write_text(
        json.dumps({"phase": "hardcopies", "after_id": one_image_copy.pk})
    )

    summary, err = verify_fails("--progress", str(progress), "--skip-orphans")

    # Past the images and the first copy; the bundle phase still follows.
    assert "0 images, 1 hard-copy files, 1 export bundles" in summary
    assert one_image_copy.storage_name not in err
    assert f"MISSING: {bundle.storage_name}" in err
    assert not progress.exists()
    _, err = verify_fails("--progress", str(progress), "--skip-orphans")
    assert f"MISSING: {one_image_copy.storage_name}" in err
