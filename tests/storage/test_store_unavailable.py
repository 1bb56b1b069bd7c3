"""An upload while the object store is unreachable: 503 with Retry-After, nothing kept.

The fault drill (make drill storage) found these answered 500, which a phone's client
takes for a refusal of the photo; sent again later with the same Idempotency-Key, the
photo is stored once.
"""

import socket
from typing import Any

import pytest
from botocore.config import Config

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo
from tests.storage.conftest import Backend
from vault.models import DataKey

pytestmark = pytest.mark.drill


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _store_unreachable(settings: Any) -> dict[str, Any]:
    working = settings.STORAGES
    storage = working["default"]
    settings.STORAGES = {
        **working,
        "default": {
            **storage,
            "OPTIONS": {
                **storage["OPTIONS"],
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                # One attempt, so the test takes no backoff; the refusal is the same.
                "client_config": Config(
                    signature_version="s3v4", retries={"max_attempts": 1}
                ),
            },
        },
    }
    return dict(working)


def test_an_upload_while_the_store_is_down_is_refused_as_retryable(
    s3: Backend, settings: Any, nurse_api: Any, patient: Patient, db: None
) -> None:
    working = _store_unreachable(settings)
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
