"""Two uploads racing with one Idempotency-Key make exactly one image."""

import io
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection

from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, CaptureResult, capture_image
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import stored_files
from vault.models import DataKey

RACERS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_with_one_key_make_exactly_one_image(
    nurse: User, patient: Patient, media_root: Path
) -> None:
    data = jpeg_bytes((1200, 900))
    start = threading.Barrier(RACERS)
    results: list[CaptureResult] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            start.wait()
            results.append(
                capture_image(
                    actor=nurse,
                    patient=patient,
                    upload=io.BytesIO(data),
                    details=CaptureDetails(
                        capture_mode="personal_mobile",
                        consent_kind="verbal",
                        idempotency_key="retry-me",
                    ),
                    channel="api",
                )
            )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ClinicalImage.objects.count() == 1
    assert DataKey.objects.count() == 1
    assert sorted(r.created for r in results) == [False] * (RACERS - 1) + [True]
    assert {r.image.public_id for r in results} == {
        ClinicalImage.objects.get().public_id
    }
    originals = [p for p in stored_files(media_root) if "originals" in p.parts]
    assert len(originals) == 1
