"""Where the facility asks for it, a wristband that does not match stores nothing."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from demo.images import ensure_images
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage
from imaging.safety.handoff import create_handoff
from imaging.services.capture import wristband_matches
from records.models import Patient, StaffMembership
from tests.factories import (
    EncounterFactory,
    FacilityFactory,
    PatientFactory,
    WardFactory,
    capture,
    jpeg_bytes,
)
from tests.imaging.helpers import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def wristband_patient(patient: Patient) -> Patient:
    patient.facility.requires_wristband_scan = True
    patient.facility.save()
    return patient


def _assert_nothing_stored(media_root: Path) -> None:
    assert not ClinicalImage.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert stored_files(media_root) == []


def test_a_mismatched_wristband_refuses_the_upload_and_stores_nothing(
    nurse: User, wristband_patient: Patient, media_root: Path
) -> None:
    with pytest.raises(InvalidField, match="does not match"):
        capture(actor=nurse, patient=wristband_patient, wristband="999999")
    with pytest.raises(InvalidField):
        capture(actor=nurse, patient=wristband_patient)
    _assert_nothing_stored(media_root)


def test_a_blank_wristband_asks_for_it_and_stores_nothing(
    nurse: User, wristband_patient: Patient, media_root: Path
) -> None:
    for blank in (None, "", "   "):
        with pytest.raises(InvalidField, match="Scan or type the wristband"):
            capture(actor=nurse, patient=wristband_patient, wristband=blank)
    _assert_nothing_stored(media_root)


def test_a_matching_wristband_lets_the_upload_through(
    nurse: User, wristband_patient: Patient
) -> None:
    scanned = f"{wristband_patient.facility.code}:{wristband_patient.mrn}"
    image = capture(actor=nurse, patient=wristband_patient, wristband=scanned)
    assert image.patient == wristband_patient


def test_wristband_formats(patient: Patient) -> None:
    assert wristband_matches(patient.mrn, patient)
    assert wristband_matches(
        f" {patient.facility.code.lower()}-{patient.mrn} ", patient
    )
    assert not wristband_matches("", patient)
    assert not wristband_matches(patient.mrn + "1", patient)


def test_the_patient_search_tells_the_capture_page_which_patients_need_it(
    nurse: User, nurse_api: APIClient, wristband_patient: Patient
) -> None:
    elsewhere = WardFactory(facility=FacilityFactory(code="SVH"))
    relaxed = PatientFactory(facility=elsewhere.facility, family_name="Citizen")
    EncounterFactory(patient=relaxed, ward=elsewhere)
    StaffMembership.objects.create(user=nurse, ward=elsewhere)
    found = nurse_api.get("/api/patients/?search=Citizen").json()["results"]
    assert {p["mrn"]: p["requires_wristband_scan"] for p in found} == {
        wristband_patient.mrn: True,
        relaxed.mrn: False,
    }


def _bound_capture_page(client: Client, nurse: User, patient: Patient) -> str:
    """The capture page on a phone opened from a hand-off link for the patient."""
    _, token = create_handoff(actor=nurse, patient=patient)
    client.force_login(nurse)
    client.get(f"/safety/h/{token}/")
    return client.get("/capture/").content.decode()


def _wristband_step(page: str) -> str:
    match = re.search(r'<section id="wristband-step"[^>]*>', page)
    assert match, "the capture page has no wristband step"
    return match.group(0)


def test_the_bound_capture_page_says_the_wristband_is_required(
    client: Client, nurse: User, wristband_patient: Patient
) -> None:
    page = _bound_capture_page(client, nurse, wristband_patient)
    assert "hidden" not in _wristband_step(page)
    assert "Confirm the wristband" in page
    assert "before a photo is stored. Required." in page
    field = re.search(r'<input[^>]*name="wristband"[^>]*>', page)
    assert field
    assert "required" in field.group(0)
    # Outside the search form, which a hand-off hides, but still sent with the details.
    assert 'form="capture-details"' in field.group(0)
    assert page.index('id="wristband-step"') > page.index("</form>")


def test_the_bound_capture_page_does_not_ask_where_the_facility_does_not(
    client: Client, nurse: User, patient: Patient
) -> None:
    page = _bound_capture_page(client, nurse, patient)
    assert "hidden" in _wristband_step(page)
    field = re.search(r'<input[^>]*name="wristband"[^>]*>', page)
    assert field
    assert "required" not in field.group(0)


def test_the_page_upload_with_the_wrong_wristband_says_so_beside_the_field(
    client: Client, nurse: User, wristband_patient: Patient, media_root: Path
) -> None:
    client.force_login(nurse)
    response = client.post(
        f"/capture/patients/{wristband_patient.public_id}/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg"),
            "capture_mode": "personal_mobile",
            "consent_kind": "verbal",
            "consent_purposes": "care",
            "wristband": "999999",
        },
    )
    assert response.status_code == 400
    assert response.json()["wristband"] == [
        f"The wristband does not match CITIZEN, Jane, MRN {wristband_patient.mrn}. "
        "Check you have the right patient."
    ]
    _assert_nothing_stored(media_root)


def test_the_demo_seeder_is_not_asked_for_a_wristband(
    nurse: User, wristband_patient: Patient
) -> None:
    assert ensure_images([wristband_patient], {"nurse": nurse}, count=2) == 2
    assert ClinicalImage.objects.filter(patient=wristband_patient).count() == 2
