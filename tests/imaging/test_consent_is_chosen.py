"""Consent is what the nurse chose, never a default (issue 23.4): the form pre-selects
nothing, an upload without it stores nothing, and the receipt says what was recorded."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo, stored_files

pytestmark = pytest.mark.django_db


def _nothing_stored(media_root: Path) -> None:
    assert not ClinicalImage.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert stored_files(media_root) == []


def test_the_capture_form_preselects_no_consent(nurse: User) -> None:
    client = Client()
    client.force_login(nurse)
    html = client.get("/capture/").content.decode()
    assert 'name="consent_kind"' in html
    assert 'name="consent_purposes"' in html
    kinds = html.split('name="consent_kind"')[1].split("</select>")[0]
    assert 'value="" selected' in kinds
    assert kinds.count("selected") == 1
    purposes = html.split('id="id_consent_purposes"')[1].split("</div>")[0]
    assert "checked" not in purposes


@pytest.mark.parametrize(
    "missing",
    [
        {"consent_kind": None},
        {"consent_purposes": None},
        {"consent_purposes": ""},
        {"consent_purposes": " , "},
    ],
)
def test_an_api_upload_without_consent_is_refused_and_stores_nothing(
    nurse_api: APIClient, patient: Patient, media_root: Path, missing: dict[str, None]
) -> None:
    fields = {"consent_kind": "verbal", "consent_purposes": "care"}
    for key, value in missing.items():
        if value is None:
            del fields[key]
        else:
            fields[key] = value
    response = _post_without_defaults(nurse_api, patient, fields)
    assert response.status_code == 400
    field = next(iter(missing))
    assert response.json()[field]
    _nothing_stored(media_root)


def _post_without_defaults(
    client: APIClient, patient: Patient, consent: dict[str, str]
) -> object:
    form = {
        "capture_mode": "personal_mobile",
        "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg"),
        **consent,
    }
    return client.post(
        f"/api/patients/{patient.public_id}/images/", form, format="multipart"
    )


def test_a_page_upload_without_consent_is_refused_in_words(
    nurse: User, patient: Patient, media_root: Path
) -> None:
    client = Client()
    client.force_login(nurse)
    response = client.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg"),
            "capture_mode": "personal_mobile",
        },
    )
    assert response.status_code == 400
    said = response.json()
    assert said["consent_kind"] == ["Choose the consent the patient gave."]
    assert said["consent_purposes"][0].startswith("Choose what the consent covers")
    _nothing_stored(media_root)


def test_the_receipt_echoes_the_consent_body_site_and_sensitivity(
    nurse_api: APIClient, nurse: User, patient: Patient
) -> None:
    stored = post_photo(
        nurse_api,
        patient,
        jpeg_bytes(),
        consent_kind="written",
        consent_purposes="care,teaching",
        body_site="Heel",
        laterality="left",
        sensitivity="intimate",
    )
    assert stored.status_code == 201, stored.content
    client = Client()
    client.force_login(nurse)
    image = ClinicalImage.objects.get()
    text = client.get(f"/capture/receipts/{image.public_id}/").content.decode()
    assert "Written, for clinical care, teaching" in text
    assert "Heel (left)" in text
    assert "blurred until revealed with a reason" in text
