"""A committed image is never discarded because work after its commit failed.

With tasks inline, the capture's on-commit work (derivatives, hard copies, PACS sends)
runs as its transaction commits, still inside the capture service: a failure there once
reached the clean-up meant for a failed upload and deleted the stored original.
"""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from imaging import hooks
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from vault import blobs

pytestmark = pytest.mark.django_db(transaction=True)


class AfterCommitFailure(Exception):
    pass


def _fail_after_commit(image: ClinicalImage) -> None:
    def fail() -> None:
        raise AfterCommitFailure(str(image.public_id))

    transaction.on_commit(fail)


@pytest.fixture
def failing_after_commit() -> Iterator[None]:
    hooks.image_captured.register(_fail_after_commit)
    yield
    hooks.image_captured._functions.remove(_fail_after_commit)


def test_an_error_after_the_commit_keeps_the_stored_original_readable(
    nurse: User, patient: Patient, failing_after_commit: None
) -> None:
    data = jpeg_bytes()

    with pytest.raises(AfterCommitFailure) as raised:
        capture(actor=nurse, patient=patient, data=data)

    image = ClinicalImage.objects.get(public_id=raised.value.args[0])
    key = blobs.data_key(image.public_id)
    assert b"".join(blobs.read_decrypted(image.storage_name, key)) == data


def test_an_error_before_the_commit_still_leaves_nothing(
    nurse: User, patient: Patient, media_root: object
) -> None:
    def fail_inside(image: ClinicalImage) -> None:
        raise AfterCommitFailure(str(image.public_id))

    hooks.image_captured.register(fail_inside)
    try:
        with pytest.raises(AfterCommitFailure):
            capture(actor=nurse, patient=patient, data=jpeg_bytes())
    finally:
        hooks.image_captured._functions.remove(fail_inside)

    assert not ClinicalImage.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
