"""The desktop shows a QR code; the phone's link binds capture to the patient once."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from imaging.safety.models import CaptureHandoff
from records.models import Patient

pytestmark = pytest.mark.django_db


def test_desktop_page_shows_the_patient_and_a_qr_code(
    client: Client, nurse: User, patient: Patient
) -> None:
    client.force_login(nurse)
    response = client.post(f"/safety/patients/{patient.public_id}/handoff/")
    page = response.content.decode()
    assert response.status_code == 200
    assert patient.mrn in page
    assert "data:image/svg+xml;base64," in page
    assert "<script>" not in page  # behaviour lives in static/js/handoff.js


def test_the_phone_link_binds_once_and_refuses_a_replay(
    client: Client, nurse: User, patient: Patient
) -> None:
    from imaging.safety.handoff import create_handoff

    _, token = create_handoff(actor=nurse, patient=patient)
    client.force_login(nurse)
    first = client.get(f"/safety/h/{token}/")
    assert first.status_code == 302
    assert str(patient.public_id) in first["Location"]
    assert client.session["capture_binding"]["patient"] == str(patient.public_id)
    again = client.get(f"/safety/h/{token}/")
    assert again.status_code == 404
    assert b"expired, was already used, or is not yours" in again.content
    arrivals = client.get(
        f"/safety/handoffs/{CaptureHandoff.objects.get().public_id}/arrivals/"
    ).json()
    assert arrivals["opened"] is True
