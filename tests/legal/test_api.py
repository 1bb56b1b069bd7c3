"""The legal API: who may open matters, export, download and release holds."""

import hashlib

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.api_tokens import issue_api_token
from audit.models import AuditEvent
from imaging.models import ClinicalImage
from legal.holds import is_under_hold
from legal.models import ExportBundle, LegalHold, LegalMatter
from records.models import Patient

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    """A device that signed in just now (a fresh token: exports need a recent sign-in)."""
    client = APIClient()
    _, key = issue_api_token(user=user, device="Laptop")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _open(user: User, patient: Patient, reference: str = "API-1") -> object:
    return client_for(user).post(
        "/api/matters/",
        {
            "reference": reference,
            "kind": "litigation",
            "patients": [str(patient.public_id)],
        },
        format="json",
    )


def test_a_legal_officer_opens_a_matter_exports_and_downloads_by_api(
    legal_officer: User,
    patient: Patient,
    wound_photo: ClinicalImage,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    opened = _open(legal_officer, patient)
    assert opened.status_code == 201  # type: ignore[attr-defined]
    matter_id = opened.json()["id"]  # type: ignore[attr-defined]
    assert is_under_hold(wound_photo)
    api = client_for(legal_officer)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/matters/{matter_id}/exports/")
    assert started.status_code == 202
    export_id = started.json()["id"]
    status = api.get(f"/api/exports/{export_id}/").json()
    assert status["status"] == "ready"
    assert status["progress"] == 100
    download = api.get(f"/api/exports/{export_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["X-Content-Type-Options"] == "nosniff"
    body = b"".join(download.streaming_content)  # type: ignore[arg-type]
    assert hashlib.sha256(body).hexdigest() == status["sha256"]
    assert AuditEvent.objects.filter(action="export_downloaded").count() == 1


def test_ward_staff_may_not_open_matters_by_api(nurse: User, patient: Patient) -> None:
    response = _open(nurse, patient)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "detail" in response.json()  # type: ignore[attr-defined]
    assert not LegalMatter.objects.exists()


def test_a_bad_kind_and_an_empty_scope_answer_400_with_detail(
    legal_officer: User,
) -> None:
    api = client_for(legal_officer)
    bad = api.post("/api/matters/", {"reference": "B-1", "kind": "war"}, format="json")
    assert bad.status_code == 400
    # The same shape as every other API's field errors: a sentence, and a list per field.
    assert bad.json()["detail"]
    assert bad.json()["kind"] == ['"war" is not a valid choice.']
    empty = api.post(
        "/api/matters/", {"reference": "B-2", "kind": "foi"}, format="json"
    )
    assert empty.status_code == 400
    assert "patient" in empty.json()["detail"]
    assert not LegalMatter.objects.exists()


def test_only_the_requester_and_records_managers_may_download(
    built_bundle: ExportBundle,
    records_manager: User,
    privacy_officer: User,
    nurse: User,
    legal_officer: User,
    facility: object,
) -> None:
    from tests.legal.test_api import client_for as c

    other_legal = User.objects.create(username="legal.two")
    other_legal.groups.set(legal_officer.groups.all())
    url = f"/api/exports/{built_bundle.public_id}/download/"
    assert c(records_manager).get(url).status_code == 200
    for refused in (privacy_officer, nurse, other_legal):
        assert c(refused).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="export_downloaded").count() == 1


def test_holds_are_listed_and_released_only_with_a_reason(
    matter: LegalMatter, records_manager: User, nurse: User, wound_photo: ClinicalImage
) -> None:
    api = client_for(records_manager)
    listed = api.get("/api/holds/").json()["results"]
    assert [h["matter"] for h in listed] == ["NSWSC 2026/123"]
    hold_id = listed[0]["id"]
    assert client_for(nurse).get("/api/holds/").status_code == 403
    assert (
        client_for(nurse)
        .post(f"/api/holds/{hold_id}/release/", {"reason": "x"})
        .status_code
        == 404
    )
    no_reason = api.post(f"/api/holds/{hold_id}/release/", {"reason": " "})
    assert no_reason.status_code == 400
    assert is_under_hold(wound_photo)
    released = api.post(f"/api/holds/{hold_id}/release/", {"reason": "Settled"})
    assert released.status_code == 200
    assert not is_under_hold(wound_photo)
    assert LegalHold.objects.get().release_reason == "Settled"
