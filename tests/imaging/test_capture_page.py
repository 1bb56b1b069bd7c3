"""The capture page: who sees it, what it offers, and the upload it drives."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.data import corpus
from tests.factories import jpeg_bytes
from tests.imaging.helpers import stored_files

pytestmark = pytest.mark.django_db


CONSENT = {"consent_kind": "verbal", "consent_purposes": "care"}


@pytest.fixture
def nurse_browser(nurse: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    client.get("/capture/")
    return client


def _csrf(client: Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def test_capture_page_offers_camera_and_device_photos(nurse_browser: Client) -> None:
    page = nurse_browser.get("/capture/").content.decode()
    assert 'type="file" accept="image/*" capture multiple' in page
    assert 'id="choose-photo"' in page
    assert "js/capture.js" in page
    assert "<script>" not in page
    assert "style=" not in page
    assert 'href="/capture/"' in page  # the nav link


def test_capture_page_is_refused_to_roles_that_do_not_capture(
    legal_officer: User, client: Client
) -> None:
    client.force_login(legal_officer)
    assert client.get("/capture/").status_code == 403
    assert 'href="/capture/"' not in client.get("/").content.decode()


def test_the_page_upload_is_stored_with_channel_web_and_local_time(
    nurse_browser: Client, patient: Patient
) -> None:
    response = nurse_browser.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {
            "file": _file(jpeg_bytes()),
            "captured_at": "2025-03-04T09:15:00",
            "capture_mode": "personal_mobile",
            "consent_kind": "written",
            "consent_purposes": "care,teaching",
        },
        headers={**_csrf(nurse_browser), "Idempotency-Key": "k1"},
    )
    assert response.status_code == 201
    image = ClinicalImage.objects.get()
    assert image.upload_channel == "web"
    assert image.consent_purposes == ["care", "teaching"]
    # Read on the facility's clock: 09:15 in Sydney is 22:15 UTC the day before.
    assert image.captured_at.isoformat() == "2025-03-03T22:15:00+00:00"


def test_the_page_upload_without_a_time_takes_it_from_exif(
    nurse_browser: Client, patient: Patient
) -> None:
    data = corpus.SAMPLES["gps-and-comment.jpg"].data
    response = nurse_browser.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {"file": _file(data), "capture_mode": "personal_mobile", **CONSENT},
        headers=_csrf(nurse_browser),
    )
    assert response.status_code == 201
    image = ClinicalImage.objects.get()
    local = timezone.localtime(image.captured_at)
    assert local.strftime("%d/%m/%Y %H:%M") == "04/03/2025 09:15"
    assert image.device == "Apple iPhone 15"


def test_the_page_upload_needs_the_csrf_token(
    nurse: User, patient: Patient, media_root: Path
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    response = client.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {"file": _file(jpeg_bytes()), "capture_mode": "personal_mobile", **CONSENT},
    )
    assert response.status_code == 403
    assert not ClinicalImage.objects.exists()
    assert stored_files(media_root) == []


def test_exif_hints_prefill_time_and_device(nurse_browser: Client) -> None:
    head = corpus.SAMPLES["gps-and-comment.jpg"].data[:2048]
    hints = nurse_browser.post(
        "/capture/exif/", {"head": _file(head)}, headers=_csrf(nurse_browser)
    ).json()
    assert hints == {"captured_at": "2025-03-04T09:15:00", "device": "Apple iPhone 15"}


def test_exif_hints_of_a_non_image_are_empty(nurse_browser: Client) -> None:
    hints = nurse_browser.post(
        "/capture/exif/", {"head": _file(b"%PDF-1.4")}, headers=_csrf(nurse_browser)
    ).json()
    assert hints == {"captured_at": "", "device": ""}
    assert not AuditEvent.objects.filter(action="upload").exists()


def test_receipt_tells_the_user_to_delete_the_photo_from_the_device(
    nurse_browser: Client, wound_photo: ClinicalImage
) -> None:
    page = nurse_browser.get(f"/capture/receipts/{wound_photo.public_id}/").content
    text = page.decode()
    assert str(wound_photo.public_id) in text
    assert wound_photo.sha256 in text
    assert wound_photo.patient.mrn in text
    assert "now in the patient's health record" in text
    assert "Delete it from your device" in text
    assert 'href="/capture/delete-from-phone/"' in text


def test_the_delete_from_phone_page_is_the_guide_text_for_iphone_and_android(
    nurse_browser: Client,
) -> None:
    page = nurse_browser.get("/capture/delete-from-phone/").content.decode()
    assert "<h1>Delete the photo from your phone</h1>" in page
    assert "<h2>iPhone (iOS 17 and later)</h2>" in page
    assert "<h2>Android (Google Photos; Samsung Gallery is similar)</h2>" in page
    assert page.count("<ol>") == 2  # numbered steps for each kind of phone
    assert "notifiable data breach" in page
    assert 'href="/capture/"' in page


def test_receipt_of_another_wards_image_is_404(
    client: Client, outsider: User, wound_photo: ClinicalImage
) -> None:
    client.force_login(outsider)
    assert client.get(f"/capture/receipts/{wound_photo.public_id}/").status_code == 404


def _file(data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
