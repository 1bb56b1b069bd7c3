"""Disposal (issue 6) destroys pending copies and learns whether paper exists."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import TestCase

from audit.models import AuditEvent
from hardcopy import services
from hardcopy.models import HardCopy
from hardcopy.rendering import render_hard_copy
from hardcopy.retention import destroy_pending_hard_copies, printed_copy_exists
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.hardcopy.conftest import print_one
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _stored(media_root: Path) -> list[Path]:
    return list((media_root / "hardcopies").rglob("*.enc"))


def test_a_pending_copy_is_withdrawn_and_its_pdf_deleted(
    nurse: User, wound_photo: ClinicalImage, media_root: Path
) -> None:
    copy = print_one(nurse, wound_photo)
    assert len(_stored(media_root)) == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        withdrawn = destroy_pending_hard_copies(wound_photo)
    assert withdrawn == 1
    copy.refresh_from_db()
    assert copy.status == "withdrawn"
    assert _stored(media_root) == []
    assert copy.files.get().destroyed_at is not None
    assert AuditEvent.objects.filter(action="hard_copy_withdrawn").count() == 1
    assert not printed_copy_exists(wound_photo)


def test_a_printed_copy_is_reported_so_the_paper_is_destroyed_by_hand(
    nurse: User, patient: Patient, wound_photo: ClinicalImage, media_root: Path
) -> None:
    other = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy = services.request_hard_copy(
            actor=nurse, image_ids=[str(wound_photo.public_id), str(other.public_id)]
        )
    copy.refresh_from_db()
    services.print_hard_copy(actor=nurse, hard_copy=copy)
    assert printed_copy_exists(wound_photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        withdrawn = destroy_pending_hard_copies(wound_photo)
    assert withdrawn == 0
    copy.refresh_from_db()
    assert copy.status == "printed"
    # The digital PDF showing the disposed image is gone, and its own key with it.
    assert _stored(media_root) == []
    assert not DataKey.objects.filter(image_public_id=copy.public_id).exists()
    assert printed_copy_exists(wound_photo)
    assert printed_copy_exists(other)


def test_a_copy_is_not_rendered_once_its_only_image_is_gone(
    nurse: User, wound_photo: ClinicalImage, media_root: Path
) -> None:
    copy = services.request_hard_copy(
        actor=nurse, image_ids=[str(wound_photo.public_id)]
    )
    destroy_pending_hard_copies(wound_photo)
    assert render_hard_copy(hard_copy_id=copy.pk) is None
    assert HardCopy.objects.get().status == "withdrawn"
    assert _stored(media_root) == []
