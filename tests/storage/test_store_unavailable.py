"""An upload while the object store is unreachable: 503 with Retry-After, nothing kept.

The fault drill (make drill storage) found these answered 500, which a phone's client
takes for a refusal of the photo; sent again later with the same Idempotency-Key, the
photo is stored once.
"""

from typing import Any

import pytest

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo
from tests.storage.conftest import Backend, store_unreachable
from vault.models import DataKey

pytestmark = pytest.mark.drill


def test_an_upload_while_the_store_is_down_is_refused_as_retryable(
    s3: Backend, settings: Any, nurse_api: Any, patient: Patient, db: None
) -> None:
    working = store_unreachable(settings)
    events = AuditEvent.objects.count()

    refused = post_photo(nurse_api, patient, jpeg_bytes(), key="phone-1-photo-7")

    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    assert "try again" in refused.json()["detail"]
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert AuditEvent.objects.count() == events
    assert s3.server is not None
    assert not s3.server.names_in(s3.bucket)

    settings.STORAGES = working
    stored = post_photo(nurse_api, patient, jpeg_bytes(), key="phone-1-photo-7")

    assert stored.status_code == 201
    assert ClinicalImage.objects.filter(patient=patient).count() == 1
