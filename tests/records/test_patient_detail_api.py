"""GET /api/patients/{id}/ and ?mrn= (DESIGN §9): identifiers, encounters, merges."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from records.models import Patient, PatientIdentifier, Ward
from tests.conftest import _api_client_for
from tests.factories import EncounterFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_the_detail_lists_identifiers_encounters_and_no_merge(
    records_manager: User, patient: Patient, ward: Ward
) -> None:
    PatientIdentifier.objects.create(
        patient=patient, type="MR", system="RHH", value=patient.mrn
    )
    PatientIdentifier.objects.create(
        patient=patient, type="NI", system="AUSHIC", value="8003608166690503"
    )
    EncounterFactory(
        patient=patient,
        ward=ward,
        visit_number="V9",
        started_at=datetime(2025, 3, 1, tzinfo=UTC),
        ended_at=datetime(2025, 3, 4, tzinfo=UTC),
    )

    response = _api_client_for(records_manager).get(
        f"/api/patients/{patient.public_id}/"
    )

    assert response.status_code == 200
    body = response.json()
    assert {(i["type"], i["system"], i["value"]) for i in body["identifiers"]} == {
        ("MR", "RHH", patient.mrn),
        ("NI", "AUSHIC", "8003608166690503"),
    }
    ended = [e for e in body["encounters"] if e["visit_number"] == "V9"]
    assert ended[0]["ward"] == "SURG5A"
    assert ended[0]["facility"] == "RHH"
    assert body["merged_into"] is None
    assert AuditEvent.objects.filter(
        action="view", patient_public_id=patient.public_id
    ).exists()


def test_someone_off_the_ward_gets_404_and_nothing_is_recorded(
    outsider: User, patient: Patient
) -> None:
    before = AuditEvent.objects.count()

    response = _api_client_for(outsider).get(f"/api/patients/{patient.public_id}/")

    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


def test_a_merged_patients_mrn_finds_the_survivor(
    records_manager: User, patient: Patient
) -> None:
    prior = PatientFactory(
        facility=patient.facility, mrn="0499999", merged_into=patient
    )

    client = _api_client_for(records_manager)
    found = client.get("/api/patients/", {"mrn": "0499999"}).json()["results"]
    detail = client.get(f"/api/patients/{prior.public_id}/").json()

    assert [p["id"] for p in found] == [str(patient.public_id)]
    assert detail["merged_into"] == str(patient.public_id)


def test_the_mrn_filter_is_an_exact_match(
    records_manager: User, patient: Patient
) -> None:
    found = _api_client_for(records_manager).get(
        "/api/patients/", {"mrn": patient.mrn[:3]}
    )

    assert found.json()["results"] == []
