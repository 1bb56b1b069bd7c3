"""A user who may not see the patient can neither render, list nor download: 404, no trace."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase
from rest_framework.test import APIClient

from audit.models import AuditEvent
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from records.models import Facility, Patient, Ward
from tests.factories import capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_copy(nurse: User, patient: Patient, paper_record: Facility) -> HardCopy:
    with TestCase.captureOnCommitCallbacks(execute=True):
        capture(actor=nurse, patient=patient)
    return HardCopy.objects.get()


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _events() -> int:
    """Audit events other than signing in (force_login records one)."""
    return AuditEvent.objects.exclude(action="login").count()


def test_outsider_cannot_request_a_copy_and_leaves_no_trace(
    outsider: User, wound_photo: ClinicalImage, media_root: Path
) -> None:
    before = _events()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _api(outsider).post(
            f"/api/images/{wound_photo.public_id}/hard-copy/"
        )
    assert response.status_code == 404
    assert not HardCopy.objects.exists()
    assert _events() == before
    assert not (media_root / "hardcopies").exists()


def test_outsider_cannot_request_a_patients_set(
    outsider: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    before = _events()
    response = _api(outsider).post(f"/api/patients/{patient.public_id}/hard-copy/")
    assert response.status_code == 404
    page = Client()
    page.force_login(outsider)
    assert page.post(f"/print/patients/{patient.public_id}/").status_code == 404
    assert page.post(f"/print/images/{wound_photo.public_id}/").status_code == 404
    assert not HardCopy.objects.exists()
    assert _events() == before


def test_outsider_cannot_see_the_copy_or_the_wards_queue(
    outsider: User, ward: Ward, ready_copy: HardCopy
) -> None:
    before = _events()
    api = _api(outsider)
    assert api.get(f"/api/hard-copies/{ready_copy.public_id}/").status_code == 404
    page = Client()
    page.force_login(outsider)
    assert page.get(f"/print/wards/{ward.public_id}/").status_code == 404
    assert "CITIZEN" not in page.get("/print/").content.decode()
    assert "CITIZEN" not in page.get("/print/overdue/").content.decode()
    assert _events() == before


def test_outsider_cannot_download_print_or_file_the_copy(
    outsider: User, ready_copy: HardCopy
) -> None:
    before = _events()
    assert (
        _api(outsider).get(f"/api/hard-copies/{ready_copy.public_id}/pdf/").status_code
        == 404
    )
    page = Client()
    page.force_login(outsider)
    assert page.post(f"/print/copies/{ready_copy.public_id}/print/").status_code == 404
    assert page.post(f"/print/copies/{ready_copy.public_id}/filed/").status_code == 404
    ready_copy.refresh_from_db()
    assert ready_copy.status == "ready"
    assert ready_copy.print_count == 0
    assert _events() == before


def test_a_role_without_printing_gets_404_even_for_its_own_patients(
    privacy_officer: User, ready_copy: HardCopy
) -> None:
    before = _events()
    response = _api(privacy_officer).get(
        f"/api/hard-copies/{ready_copy.public_id}/pdf/"
    )
    assert response.status_code == 404
    assert _events() == before
