"""The desktop shows a QR code; the phone's link binds capture to the patient once."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from imaging.models import CaptureHandoff
from imaging.safety.handoff import create_handoff
from records.models import Patient, Ward
from tests.factories import capture, jpeg_bytes, staff_on

pytestmark = pytest.mark.django_db

REFUSED = b"expired, was already used, or is not yours"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def arrivals(client: Client, handoff: CaptureHandoff) -> Any:
    return client.get(f"/safety/handoffs/{handoff.public_id}/arrivals/").json()


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


def test_the_phone_link_binds_once_and_a_replay_is_refused_and_audited(
    nurse: User, patient: Patient
) -> None:
    made, token = create_handoff(actor=nurse, patient=patient)
    phone = signed_in(nurse)
    first = phone.get(f"/safety/h/{token}/")
    assert first.status_code == 302
    assert str(patient.public_id) in first["Location"]
    assert phone.session["capture_binding"]["patient"] == str(patient.public_id)
    again = signed_in(nurse).get(f"/safety/h/{token}/")
    assert again.status_code == 404
    assert REFUSED in again.content
    event = AuditEvent.objects.get(action="handoff_refused")
    assert (event.actor, event.object_id) == (nurse, str(made.public_id))
    assert event.detail["why"] == "already_used"
    assert arrivals(phone, made)["opened"] is True


def test_an_expired_link_is_refused_on_the_phone_and_binds_nothing(
    nurse: User, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    phone = signed_in(nurse)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = phone.get(f"/safety/h/{token}/")
    assert response.status_code == 404
    assert REFUSED in response.content
    assert "capture_binding" not in phone.session
    assert AuditEvent.objects.get(action="handoff_refused").detail["why"] == "expired"
    assert not AuditEvent.objects.filter(action="handoff_opened").exists()


def test_a_colleagues_phone_is_refused_the_link_and_the_attempt_is_on_record(
    nurse: User, ward: Ward, patient: Patient
) -> None:
    _, token = create_handoff(actor=nurse, patient=patient)
    colleague = staff_on(ward, username="colleague")
    theirs = signed_in(colleague)
    response = theirs.get(f"/safety/h/{token}/")
    assert response.status_code == 404
    assert REFUSED in response.content
    assert "capture_binding" not in theirs.session
    assert b"patient-banner" not in theirs.get("/capture/").content
    event = AuditEvent.objects.get(action="handoff_refused")
    assert (event.actor, event.patient_public_id) == (colleague, patient.public_id)
    assert event.detail == {"why": "another_users_link", "made_by": "nurse"}
    assert CaptureHandoff.objects.get().opened_at is None


def test_arrivals_list_only_the_photos_sent_through_the_handoff(
    nurse: User, patient: Patient
) -> None:
    made, token = create_handoff(actor=nurse, patient=patient)
    desktop, phone = signed_in(nurse), signed_in(nurse)
    phone.get(f"/safety/h/{token}/")
    # The same nurse stores another photo of the patient from elsewhere meanwhile.
    capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    sent = phone.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {
            "file": SimpleUploadedFile(
                "IMG_0002.jpg", jpeg_bytes(), content_type="image/jpeg"
            ),
            "capture_mode": "personal_mobile",
            "consent_kind": "verbal",
            "consent_purposes": "care",
        },
    )
    assert sent.status_code == 201
    listed = arrivals(desktop, made)["images"]
    assert [row["id"] for row in listed] == [sent.json()["id"]]


def test_arrivals_stop_once_the_link_expired_and_no_photo_can_come(
    nurse: User, patient: Patient
) -> None:
    opened, token = create_handoff(actor=nurse, patient=patient)
    never, _ = create_handoff(actor=nurse, patient=patient)
    desktop = signed_in(nurse)
    signed_in(nurse).get(f"/safety/h/{token}/")
    state = arrivals(desktop, opened)
    assert state["opened"] is True
    assert (state["expired"], state["finished"]) == (False, False)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=30)):
        # An upload the phone started before expiry may still be arriving.
        assert arrivals(desktop, opened)["expired"] is True
        assert arrivals(desktop, opened)["finished"] is False
        # A link never opened can bring nothing.
        assert arrivals(desktop, never)["finished"] is True
    with time_machine.travel(timezone.now() + timedelta(minutes=13)):
        assert arrivals(desktop, opened)["finished"] is True


def test_expiry_is_shown_on_the_facilitys_clock_on_both_pages(
    nurse: User, patient: Patient, settings: Any
) -> None:
    settings.TIME_ZONE = "Australia/Sydney"
    patient.facility.time_zone = "Australia/Perth"
    patient.facility.save()
    desktop, phone = signed_in(nurse), signed_in(nurse)
    # 02:00 UTC is 10:00 in Perth and 13:00 in Sydney (summer time).
    with time_machine.travel(datetime(2026, 1, 15, 2, 0, tzinfo=UTC), tick=False):
        shown = desktop.post(f"/safety/patients/{patient.public_id}/handoff/")
        page = shown.content.decode()
        assert "10:10 on 15/01/2026</time> (Australia/Perth time)" in page
        assert "13:10" not in page
        _, token = create_handoff(actor=nurse, patient=patient)
        phone.get(f"/safety/h/{token}/")
        bound = phone.get("/capture/").content.decode()
        assert "until 10:10 on 15/01/2026 (Australia/Perth time)" in bound
        made = CaptureHandoff.objects.get(opened_at__isnull=False)
        capture(actor=nurse, patient=patient, handoff=made)
        [row] = arrivals(desktop, made)["images"]
        assert row["captured_at_local"] == "15/01/2026 10:00"
