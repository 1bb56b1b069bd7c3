"""A phone opened from a hand-off link stores photos for that patient only, on every route.

The phone's session is bound to patient A; posting a photo for patient B (right_patient,
in the next bed: one the nurse may otherwise photograph) through the capture page's
upload or through the API with the same session is refused with 409, and nothing is
stored.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import CaptureHandoff, ClinicalImage
from imaging.safety.handoff import create_handoff
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import stored_files

pytestmark = pytest.mark.django_db

ROUTES = {
    "capture page": "/capture/patients/{}/photos/",
    "API": "/api/patients/{}/images/",
}


@pytest.fixture
def phone(nurse: User, patient: Patient) -> Client:
    """The nurse's phone, its session bound to patient A by opening a hand-off link."""
    _, token = create_handoff(actor=nurse, patient=patient)
    client = Client()
    client.force_login(nurse)
    assert client.get(f"/safety/h/{token}/").status_code == 302
    return client


def send(client: Client, route: str, patient: Patient, color: str = "salmon") -> Any:
    return client.post(
        ROUTES[route].format(patient.public_id),
        {
            "file": SimpleUploadedFile(
                "IMG_0001.jpg", jpeg_bytes(color=color), content_type="image/jpeg"
            ),
            "captured_at": timezone.now().isoformat(),
            "capture_mode": "personal_mobile",
            "consent_kind": "verbal",
            "consent_purposes": "care",
        },
    )


@pytest.mark.parametrize("route", ROUTES)
def test_a_bound_phone_cannot_store_a_photo_for_another_patient(
    route: str,
    phone: Client,
    right_patient: Patient,
    patient: Patient,
    media_root: Path,
) -> None:
    events_before = AuditEvent.objects.count()
    response = send(phone, route, right_patient)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert f"capturing for CITIZEN, Jane (MRN {patient.mrn}) only" in detail
    assert "Nothing was stored" in detail
    assert not ClinicalImage.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("route", ROUTES)
def test_a_bound_phone_stores_photos_for_its_patient_through_the_handoff(
    route: str, phone: Client, patient: Patient, media_root: Path
) -> None:
    response = send(phone, route, patient)
    assert response.status_code == 201
    image = ClinicalImage.objects.get()
    assert (image.patient, image.handoff) == (patient, CaptureHandoff.objects.get())
    upload = AuditEvent.objects.get(action="upload")
    assert upload.detail["handoff"] == str(CaptureHandoff.objects.get().public_id)
    assert stored_files(media_root) != []


def test_the_binding_lapses_with_the_link_and_the_phone_captures_freely(
    phone: Client, right_patient: Patient
) -> None:
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = send(phone, "capture page", right_patient)
        assert response.status_code == 201
    image = ClinicalImage.objects.get()
    assert (image.patient, image.handoff) == (right_patient, None)
    assert "capture_binding" not in phone.session


def test_a_device_token_is_not_bound_by_a_phone_session(
    phone: Client, nurse_api: APIClient, right_patient: Patient
) -> None:
    response = send(nurse_api, "API", right_patient)
    assert response.status_code == 201
    assert ClinicalImage.objects.get().handoff is None
