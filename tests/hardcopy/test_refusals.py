"""Who is refused a hard copy, and how: 403 for a role that does not print, 404 for what
the user may not see, 400 for a patient with nothing to print; never a trace."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase
from rest_framework.test import APIClient

from audit.models import AuditEvent
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from records.models import Patient, Ward

pytestmark = pytest.mark.django_db


def _page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_role_that_does_not_print_is_refused_the_print_pages_with_403(
    privacy_officer: User, ward: Ward, wound_photo: ClinicalImage
) -> None:
    page = _page(privacy_officer)
    before = AuditEvent.objects.count()
    assert page.get("/print/").status_code == 403
    assert page.get("/print/overdue/").status_code == 403
    assert page.get(f"/print/wards/{ward.public_id}/").status_code == 403
    assert page.post(f"/print/images/{wound_photo.public_id}/").status_code == 403
    assert not HardCopy.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_reviewer_who_may_see_the_image_is_refused_a_copy_with_403_and_no_trace(
    privacy_officer: User, wound_photo: ClinicalImage, media_root: Path
) -> None:
    before = AuditEvent.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _api(privacy_officer).post(
            f"/api/images/{wound_photo.public_id}/hard-copy/"
        )
    assert response.status_code == 403
    assert "does not print" in response.json()["detail"]
    assert not HardCopy.objects.exists()
    assert AuditEvent.objects.count() == before
    assert not (media_root / "hardcopies").exists()


def test_a_role_that_may_not_see_the_image_still_gets_404_not_403(
    legal_officer: User, administrator: User, wound_photo: ClinicalImage
) -> None:
    before = AuditEvent.objects.count()
    for user in (legal_officer, administrator):
        url = f"/api/images/{wound_photo.public_id}/hard-copy/"
        assert _api(user).post(url).status_code == 404
    assert AuditEvent.objects.count() == before


def test_a_copy_of_a_patient_without_images_is_a_clear_400_not_a_missing_image(
    nurse: User, patient: Patient
) -> None:
    before = AuditEvent.objects.count()
    response = _api(nurse).post(f"/api/patients/{patient.public_id}/hard-copy/")
    assert response.status_code == 400
    assert response.json()["detail"] == "This patient has no images to print."
    assert not HardCopy.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_reviewer_asking_for_a_patients_set_is_refused_with_403(
    privacy_officer: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    before = AuditEvent.objects.count()
    response = _api(privacy_officer).post(
        f"/api/patients/{patient.public_id}/hard-copy/"
    )
    assert response.status_code == 403
    assert not HardCopy.objects.exists()
    assert AuditEvent.objects.count() == before
