"""Derivatives the object store's failure left unmade are made by the periodic sweep.

The fault drill (make drill storage) found an upload stored just before the store failed
answered 503 "Nothing was changed" although the image was stored, and its preview and
thumbnail never made.
"""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone
from time_machine import TimeMachineFixture

from imaging.models import ClinicalImage, Derivative
from imaging.services import make_derivatives
from imaging.services.derivatives import sweep_derivatives
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.imaging.helpers import post_photo
from tests.storage.conftest import Backend, store_unreachable

pytestmark = pytest.mark.drill

BOTH = {Derivative.Kind.PREVIEW, Derivative.Kind.THUMBNAIL}


def _kinds(image: ClinicalImage) -> set[str]:
    return set(image.derivatives.values_list("kind", flat=True))


def test_an_upload_stored_just_before_the_store_fails_is_receipted_and_swept_later(
    s3: Backend,
    settings: Any,
    nurse_api: Any,
    patient: Patient,
    time_machine: TimeMachineFixture,
    caplog: pytest.LogCaptureFixture,
    db: None,
) -> None:
    assert s3.server is not None
    # Tasks run inline on commit: here as the block ends, by when the store is gone,
    # so the original is stored and every derivative read or write is refused.
    with (
        caplog.at_level(logging.WARNING, logger="common.queue"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        stored = post_photo(nurse_api, patient, jpeg_bytes(), key="phone-1-photo-8")
        working = store_unreachable(settings)

    assert stored.status_code == 201
    image = ClinicalImage.objects.get(patient=patient)
    assert str(image.public_id) == stored.json()["id"]
    assert not image.derivatives.exists()
    assert "periodic sweep" in caplog.text
    assert len(s3.server.names_in(s3.bucket)) == 1

    settings.STORAGES = working
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep_derivatives() == {"missing": 0}  # its own task may still be queued
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep_derivatives() == {"missing": 1}

    assert _kinds(image) == BOTH
    assert len(s3.server.names_in(s3.bucket)) == 3
    with TestCase.captureOnCommitCallbacks(execute=True) as queued:
        assert sweep_derivatives() == {"missing": 0}
    assert queued == []


def test_the_sweep_passes_over_disposed_images_and_those_with_both(
    nurse: User, patient: Patient, time_machine: TimeMachineFixture
) -> None:
    complete = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="red"))
    make_derivatives(image_id=complete.pk)
    partial = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="blue"))
    make_derivatives(image_id=partial.pk)
    partial.derivatives.filter(kind=Derivative.Kind.THUMBNAIL).delete()
    disposed = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="green"))
    # As if disposed before its derivatives were made.
    ClinicalImage.objects.filter(pk=disposed.pk).update(
        status=ClinicalImage.Status.DISPOSED, disposed_at=timezone.now()
    )
    time_machine.move_to(timezone.now() + timedelta(minutes=2))

    with TestCase.captureOnCommitCallbacks(execute=True) as queued:
        counts = sweep_derivatives()

    assert counts == {"missing": 1}
    assert len(queued) == 1
    assert _kinds(partial) == BOTH
    assert _kinds(complete) == BOTH
    assert not disposed.derivatives.exists()
