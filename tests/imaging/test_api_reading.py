"""Reading through the API: finding patients, listing, metadata, derivatives, schema."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from legal.holds import place_legal_hold
from records.models import Patient
from tests.factories import capture, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_patient_search_finds_by_mrn_or_name_among_visible_patients(
    nurse_api: APIClient, patient: Patient, other_patient: Patient
) -> None:
    by_mrn = nurse_api.get("/api/patients/", {"search": patient.mrn}).json()
    by_name = nurse_api.get("/api/patients/", {"search": "citi"}).json()
    hidden = nurse_api.get("/api/patients/", {"search": other_patient.mrn}).json()
    assert [p["id"] for p in by_mrn["results"]] == [str(patient.public_id)]
    assert by_name["results"][0] == {
        "id": str(patient.public_id),
        "mrn": patient.mrn,
        "family_name": "Citizen",
        "given_names": "Jane",
        "date_of_birth": patient.date_of_birth.isoformat(),  # type: ignore[union-attr]
        "date_of_death": None,
        "facility": "Royal Harbour Hospital",
        "requires_wristband_scan": False,
    }
    assert hidden["results"] == []


def test_images_are_listed_newest_first_across_cursor_pages(
    nurse_api: APIClient, nurse: User, patient: Patient
) -> None:
    now = timezone.now()
    made = [
        capture(
            actor=nurse,
            patient=patient,
            data=jpeg_bytes(color=colour),
            captured_at=now - timedelta(hours=hours),
        )
        for hours, colour in [(3, "red"), (1, "green"), (2, "blue")]
    ]
    url = f"/api/patients/{patient.public_id}/images/"
    first = nurse_api.get(url, {"page_size": 2}).json()
    ids = [row["id"] for row in first["results"]]
    assert len(ids) == 2
    while first["next"]:
        first = nurse_api.get(first["next"]).json()
        ids += [row["id"] for row in first["results"]]
    assert ids == [str(made[i].public_id) for i in (1, 2, 0)]
    assert AuditEvent.objects.filter(action="view_gallery").exists()


def test_another_wards_patient_answers_404(
    nurse_api: APIClient, other_patient: Patient, outsider: User
) -> None:
    image = capture(actor=outsider, patient=other_patient)
    for url in [
        f"/api/patients/{other_patient.public_id}/images/",
        f"/api/images/{image.public_id}/",
        f"/api/images/{image.public_id}/original/",
        f"/api/images/{image.public_id}/preview/",
        f"/api/images/{image.public_id}/thumbnail/",
    ]:
        response = nurse_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]
    assert not AuditEvent.objects.filter(action__in=["view", "download"]).exists()


def test_metadata_shows_provenance_retention_and_hold(
    nurse_api: APIClient, wound_photo: ClinicalImage, legal_officer: User
) -> None:
    url = f"/api/images/{wound_photo.public_id}/"
    before = nurse_api.get(url).json()
    place_legal_hold(
        actor=legal_officer, reason="Complaint", patients=[wound_photo.patient]
    )
    after = nurse_api.get(url).json()
    assert before["under_hold"] is False
    assert after["under_hold"] is True
    assert after["sha256"] == wound_photo.sha256
    assert after["body_site"] == "Left forearm"
    assert after["capture_mode"] == "personal_mobile"
    assert after["consent_purposes"] == ["care"]
    assert "retain_until" in after
    assert "retention_basis" in after
    assert AuditEvent.objects.filter(action="view").count() == 2


def test_original_download_is_audited(
    nurse_api: APIClient, wound_photo: ClinicalImage
) -> None:
    response = nurse_api.get(f"/api/images/{wound_photo.public_id}/original/")
    assert b"".join(response.streaming_content) == jpeg_bytes()  # type: ignore[attr-defined]
    assert response["Cache-Control"] == "no-store, private"
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_schema_documents_every_endpoint_and_upload_field(nurse_api: APIClient) -> None:
    schema = nurse_api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/patients/",
        "/api/patients/{patient_id}/images/",
        "/api/images/{image_id}/",
        "/api/images/{image_id}/original/",
        "/api/images/{image_id}/thumbnail/",
        "/api/images/{image_id}/preview/",
    ]:
        assert path in paths, path
    upload = paths["/api/patients/{patient_id}/images/"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][form.rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {
        "file",
        "captured_at",
        "capture_mode",
        "captured_by_name",
        "device",
        "body_site",
        "body_site_code",
        "laterality",
        "view",
        "sensitivity",
        "wristband",
        "note",
        "consent_kind",
        "consent_purposes",
    }
    assert "Idempotency-Key" in [p["name"] for p in upload["parameters"]]
    assert {"201", "200", "409", "413", "415"} <= set(upload["responses"])


def test_listing_patients_is_audited_as_a_search_with_the_patients_shown(
    nurse_api: APIClient, nurse: User, patient: Patient, other_patient: Patient
) -> None:
    nurse_api.get("/api/patients/", {"search": "citi"})
    nurse_api.get("/api/patients/")
    named, unfiltered = AuditEvent.objects.filter(action="search").order_by("id")
    assert named.actor == nurse
    assert named.detail == {
        "criteria": {"search": "citi", "mrn": ""},
        "patients": [str(patient.public_id)],
    }
    assert unfiltered.detail["criteria"] == {"search": "", "mrn": ""}
    assert str(other_patient.public_id) not in unfiltered.detail["patients"]
    assert str(patient.public_id) in unfiltered.detail["patients"]


def test_a_bad_cursor_on_the_patient_list_is_refused_and_not_audited(
    nurse_api: APIClient, patient: Patient
) -> None:
    response = nurse_api.get("/api/patients/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("params", [{"search": "Citi\x00zen"}, {"mrn": "\x00"}])
def test_a_null_character_in_a_patient_search_is_refused_and_not_audited(
    nurse_api: APIClient, patient: Patient, params: dict[str, str]
) -> None:
    response = nurse_api.get("/api/patients/", params)
    assert response.status_code == 400
    assert "Null characters" in str(response.json())
    assert not AuditEvent.objects.exists()
