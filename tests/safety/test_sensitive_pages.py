"""A sensitive image is served blurred to everyone until revealed with a reason."""

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage, Derivative
from imaging.safety.sensitive import mark_sensitive
from imaging.services.access import derivative_bytes
from records.models import Patient
from tests.factories import capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive_photo(
    nurse: User, patient: Patient, django_capture_on_commit_callbacks: Any
) -> ClinicalImage:
    with django_capture_on_commit_callbacks(execute=True):
        image = capture(actor=nurse, patient=patient, body_site_code="76853006")
    return mark_sensitive(actor=nurse, image=image, sensitivity="intimate")


def test_the_thumbnail_is_blurred_until_revealed_and_the_reveal_is_audited(
    nurse: User, sensitive_photo: ClinicalImage
) -> None:
    client = Client()
    client.force_login(nurse)
    stored = derivative_bytes(
        Derivative.objects.get(image=sensitive_photo, kind="thumbnail")
    )
    url = f"/images/{sensitive_photo.public_id}/thumbnail/"
    assert client.get(url).content != stored
    page = client.get(f"/images/{sensitive_photo.public_id}/").content.decode()
    assert "Reveal for this session" in page
    refused = client.post(
        f"/safety/images/{sensitive_photo.public_id}/reveal/", {"reason": ""}
    )
    assert refused.status_code == 302
    assert client.get(url).content != stored
    assert not AuditEvent.objects.filter(action="reveal_sensitive").exists()
    client.post(
        f"/safety/images/{sensitive_photo.public_id}/reveal/",
        {"reason": "Wound review"},
    )
    assert client.get(url).content == stored
    assert AuditEvent.objects.get(action="reveal_sensitive").reason == "Wound review"
    # Another session (a colleague) still sees it blurred.
    other = Client()
    other.force_login(nurse)
    assert other.get(url).content != stored


def test_the_original_of_a_sensitive_image_is_downloaded_only_once_revealed(
    nurse: User, sensitive_photo: ClinicalImage
) -> None:
    client = Client()
    client.force_login(nurse)
    page_url = f"/images/{sensitive_photo.public_id}/"
    original = f"/images/{sensitive_photo.public_id}/original/"
    assert "Download original" not in client.get(page_url).content.decode()
    refused = client.get(original)
    assert refused.status_code == 403
    assert "reveal it on its page" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="download").exists()
    client.post(
        f"/safety/images/{sensitive_photo.public_id}/reveal/",
        {"reason": "Send to the plastic surgeon"},
    )
    assert "Download original" in client.get(page_url).content.decode()
    downloaded = client.get(original)
    assert downloaded.status_code == 200
    body = b"".join(downloaded.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == sensitive_photo.sha256
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_the_api_reports_the_coded_site_and_sensitivity(
    nurse: User, sensitive_photo: ClinicalImage
) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(nurse)
    body = client.get(f"/api/images/{sensitive_photo.public_id}/").json()
    assert body["sensitive"] is True
    assert body["sensitivity"] == "intimate"
    assert body["body_site_code"] == "76853006"
    assert body["body_site"] == "Heel"
    assert body["consent_withdrawn_at"] is None


def test_an_intimate_coded_site_is_sensitive_from_capture(
    nurse: User, patient: Patient
) -> None:
    image = capture(actor=nurse, patient=patient, body_site_code="263767004")
    assert image.sensitivity == "intimate"


def test_the_patient_page_offers_the_phone_hand_off(
    nurse: User, patient: Patient
) -> None:
    client = Client()
    client.force_login(nurse)
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert "Take photos with my phone" in page


def test_the_image_page_says_which_consent_there_is_to_withdraw(
    nurse: User, patient: Patient
) -> None:
    image = capture(actor=nurse, patient=patient, consent_purposes=["care", "teaching"])
    client = Client()
    client.force_login(nurse)
    page = client.get(f"/images/{image.public_id}/").content.decode()
    assert 'value="teaching">' in page
    assert 'value="publication" disabled> Publication (no consent on record)' in page
    assert "Consent for the clinical record itself cannot be withdrawn" in page


def test_the_image_page_clears_sensitivity_only_after_a_reveal_and_with_a_reason(
    nurse: User, sensitive_photo: ClinicalImage
) -> None:
    client = Client()
    client.force_login(nurse)
    page = f"/images/{sensitive_photo.public_id}/"
    clear = f"/safety/images/{sensitive_photo.public_id}/sensitivity/"
    client.post(clear, {"sensitivity": "", "reason": "Not intimate", "next": page})
    shown = client.get(page).content.decode()
    assert "Reveal the image first" in shown
    sensitive_photo.refresh_from_db()
    assert sensitive_photo.is_sensitive
    client.post(
        f"/safety/images/{sensitive_photo.public_id}/reveal/", {"reason": "Check"}
    )
    client.post(clear, {"sensitivity": "", "reason": "It is the knee", "next": page})
    sensitive_photo.refresh_from_db()
    assert not sensitive_photo.is_sensitive
    assert AuditEvent.objects.filter(action="edit").latest("sequence").reason == (
        "It is the knee"
    )
