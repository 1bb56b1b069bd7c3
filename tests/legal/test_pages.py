"""The legal pages: clear errors for bad scopes, and holds released only with a reason."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from legal.holds import is_under_hold
from legal.models import LegalMatter
from records.models import Patient

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_opening_a_matter_with_no_scope_shows_a_clear_error(
    legal_officer: User,
) -> None:
    response = client_for(legal_officer).post(
        "/legal/matters/new/", {"reference": "P-1", "kind": "foi"}
    )
    assert response.status_code == 400
    assert "Choose at least one patient or image" in response.content.decode()
    assert not LegalMatter.objects.exists()


def test_ward_staff_cannot_reach_the_legal_pages(nurse: User) -> None:
    assert client_for(nurse).get("/legal/").status_code == 403
    assert client_for(nurse).get("/legal/matters/new/").status_code == 403


def test_a_records_manager_releases_a_hold_on_the_page_only_with_a_reason(
    matter: LegalMatter, records_manager: User, wound_photo: ClinicalImage
) -> None:
    hold = matter.holds.get()
    client = client_for(records_manager)
    url = f"/legal/holds/{hold.public_id}/release/"
    client.post(url, {"reason": ""})
    assert is_under_hold(wound_photo)
    assert not AuditEvent.objects.filter(action="hold_released").exists()
    client.post(url, {"reason": "Proceedings discontinued"})
    assert not is_under_hold(wound_photo)
    assert AuditEvent.objects.filter(action="hold_released").count() == 1


def test_an_unknown_export_answers_404(legal_officer: User) -> None:
    client = client_for(legal_officer)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/legal/exports/{missing}/").status_code == 404
    assert client.get(f"/legal/exports/{missing}/download/").status_code == 404


def test_an_image_id_the_officer_cannot_reach_answers_404_and_writes_nothing(
    legal_officer: User,
) -> None:
    response = client_for(legal_officer).post(
        "/legal/matters/new/",
        {"reference": "P-2", "kind": "foi", "images": "not-an-image-id"},
    )
    assert response.status_code == 404
    assert "not one you may reach" in response.content.decode()
    assert not LegalMatter.objects.exists()


def test_ward_staff_are_refused_releasing_a_hold_with_403_and_the_hold_stays(
    matter: LegalMatter, nurse: User, wound_photo: ClinicalImage
) -> None:
    client = client_for(nurse)
    before = AuditEvent.objects.count()
    url = f"/legal/holds/{matter.holds.get().public_id}/release/"
    assert client.post(url, {"reason": "Not mine to release"}).status_code == 403
    assert is_under_hold(wound_photo)
    assert AuditEvent.objects.count() == before


def test_a_patient_the_officer_cannot_reach_answers_404_on_the_matter_form(
    legal_officer: User,
) -> None:
    client = client_for(legal_officer)
    before = AuditEvent.objects.count()
    response = client.post(
        "/legal/matters/new/",
        {
            "reference": "P-3",
            "kind": "foi",
            "patients": "7f0c9a52-36e4-4a53-9d0e-2f3b0a1c4d5e",
        },
    )
    assert response.status_code == 404
    assert "not one you may reach" in response.content.decode()
    assert not LegalMatter.objects.exists()
    assert AuditEvent.objects.count() == before


def test_an_incomplete_matter_form_answers_400(
    legal_officer: User, patient: Patient
) -> None:
    response = client_for(legal_officer).post(
        "/legal/matters/new/", {"reference": "P-4", "patients": str(patient.public_id)}
    )
    assert response.status_code == 400
    assert not LegalMatter.objects.exists()
