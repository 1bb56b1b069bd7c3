"""GIF and BMP are named when refused; the receipt says its zone, folds its hash and
tells the nurse whether there is a copy on the phone to delete."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.imaging.helpers import post_photo, stored_files
from vault.models import DataKey

pytestmark = pytest.mark.django_db


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format=fmt)
    return out.getvalue()


def _nothing_written(media_root: Path) -> None:
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_the_api_names_a_gif_or_bmp_it_refuses(
    nurse_api: APIClient, patient: Patient, media_root: Path, fmt: str
) -> None:
    response = post_photo(nurse_api, patient, _image(fmt))
    assert response.status_code == 415
    detail = response.json()["detail"]
    assert f"{fmt} is not accepted" in detail
    assert "damaged or truncated" not in detail
    _nothing_written(media_root)


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_the_capture_page_names_a_gif_or_bmp_it_refuses(
    nurse: User, patient: Patient, media_root: Path, fmt: str
) -> None:
    client = Client()
    client.force_login(nurse)
    response = client.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {
            "file": SimpleUploadedFile(f"photo.{fmt.lower()}", _image(fmt)),
            "capture_mode": "personal_mobile",
            "consent_kind": "verbal",
            "consent_purposes": "care",
        },
    )
    assert response.status_code == 415
    assert f"{fmt} is not accepted" in response.json()["detail"]
    _nothing_written(media_root)


def _receipt(nurse: User, image: ClinicalImage, query: str = "") -> str:
    client = Client()
    client.force_login(nurse)
    url = f"/capture/receipts/{image.public_id}/?partial=1{query}"
    return client.get(url).content.decode()


def test_the_receipt_gives_the_capture_time_its_zone_and_folds_the_hash(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    text = _receipt(nurse, wound_photo)
    zone = wound_photo.patient.facility.time_zone
    captured = text.split("<dt>Captured at</dt>")[1].split("</dd>")[0]
    assert zone in captured
    assert "<details" in text
    assert f"<summary>{wound_photo.sha256[:12]}" in text
    assert wound_photo.sha256 in text.split("<details")[1]
    assert "<script" not in text
    assert "style=" not in text


def test_after_a_camera_capture_the_receipt_says_nothing_is_on_the_camera_roll(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    text = _receipt(nurse, wound_photo, "&source=camera")
    assert "not saved to your camera roll" in text
    assert "Delete it from your device now" not in text


def test_after_a_chosen_file_the_receipt_says_to_delete_it_from_the_phone(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    text = _receipt(nurse, wound_photo, "&source=file")
    assert "Delete it from your device now" in text
    assert "not saved to your camera roll" not in text
