"""Patient read and search by identifier: the access rule, tokens and the audit trail."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import AuditEvent
from records.models import IdentifierType, Patient, PatientIdentifier
from tests.factories import FacilityFactory, PatientFactory, api_key_for
from tests.interop.fhir_support import FhirClient, fhir_client, outcome, valid_r4

pytestmark = pytest.mark.django_db
MRN_SYSTEM = "urn:custodian:mrn:RHH"
IHI_SYSTEM = "http://ns.electronichealth.net.au/id/hi/ihi/1.0"
# Valid IHIs (16 digits from 800360, Luhn check digit), as the ADT feed stores them.
IHI = "8003608166690503"
OTHER_IHI = "8003608833357361"


def test_a_nurse_reads_her_patient_with_the_mrn_as_identifier(
    nurse: User, patient: Patient
) -> None:
    response = fhir_client(nurse).get(f"/fhir/Patient/{patient.public_id}")

    assert response.status_code == 200
    resource = valid_r4(response.json())
    assert resource["id"] == str(patient.public_id)
    mrn = resource["identifier"][0]
    assert (mrn["system"], mrn["value"]) == (MRN_SYSTEM, patient.mrn)
    assert mrn["type"]["coding"][0]["code"] == "MR"
    assert resource["name"][0] == {
        "use": "official",
        "family": "Citizen",
        "given": ["Jane"],
    }
    assert resource["gender"] == "female"
    assert resource["birthDate"] == patient.date_of_birth.isoformat()
    event = AuditEvent.objects.get(action="search")
    assert event.actor == nurse
    assert event.detail["patients"] == [str(patient.public_id)]


def test_an_outsider_gets_404_for_another_wards_patient_and_leaves_no_trace(
    outsider: User, patient: Patient
) -> None:
    response = fhir_client(outsider).get(f"/fhir/Patient/{patient.public_id}")

    outcome(response, 404)
    assert str(patient.public_id) not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_malformed_id_is_a_fhir_404(nurse: User) -> None:
    outcome(fhir_client(nurse).get("/fhir/Patient/not-a-uuid"), 404)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Token {key}", "Basic bnVyc2U6eA=="],
)
def test_without_a_valid_bearer_token_the_answer_is_401(
    nurse: User, patient: Patient, authorization: str | None
) -> None:
    key = api_key_for(nurse, device="EMR")
    headers = {}
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization.format(key=key)
    response = FhirClient(**headers).get(f"/fhir/Patient/{patient.public_id}")

    outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not AuditEvent.objects.exists()


def test_an_expired_token_is_refused(nurse: User, patient: Patient) -> None:
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=13), tick=False):
        key = api_key_for(nurse, device="EMR")
    response = FhirClient(key).get(f"/fhir/Patient/{patient.public_id}")

    assert "expired" in outcome(response, 401)["issue"][0]["diagnostics"]


def test_search_by_mrn_alone_or_with_its_system(nurse: User, patient: Patient) -> None:
    client = fhir_client(nurse)
    for identifier in (patient.mrn, f"{MRN_SYSTEM}|{patient.mrn}"):
        response = client.get("/fhir/Patient", {"identifier": identifier})

        assert response.status_code == 200
        bundle = valid_r4(response.json())
        assert (bundle["type"], bundle["total"]) == ("searchset", 1)
        entry = bundle["entry"][0]
        assert entry["resource"]["id"] == str(patient.public_id)
        assert entry["fullUrl"] == f"http://testserver/fhir/Patient/{patient.public_id}"
    assert AuditEvent.objects.filter(action="search", actor=nurse).count() == 2


def test_an_mrn_of_another_facility_or_system_finds_no_one(
    nurse: User, patient: Patient
) -> None:
    PatientFactory(facility=FacilityFactory(code="BAY"), mrn=patient.mrn)
    client = fhir_client(nurse)
    for identifier in (
        f"urn:custodian:mrn:BAY|{patient.mrn}",
        f"http://example.org/mrn|{patient.mrn}",
        "http://ns.electronichealth.net.au/id/hi/ihi/1.0|8003608166690503",
    ):
        bundle = valid_r4(
            client.get("/fhir/Patient", {"identifier": identifier}).json()
        )
        assert bundle["total"] == 0
        assert "entry" not in bundle


def test_search_does_not_find_patients_outside_the_callers_wards(
    outsider: User, patient: Patient
) -> None:
    response = fhir_client(outsider).get("/fhir/Patient", {"identifier": patient.mrn})

    assert valid_r4(response.json())["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"identifier": ""},
        {"name": "Citizen"},
        {"identifier": "1", "birthdate": "x"},
    ],
)
def test_bad_search_parameters_are_a_400_and_nothing_is_audited(
    nurse: User, patient: Patient, query: dict[str, str]
) -> None:
    response = fhir_client(nurse).get("/fhir/Patient", query)

    assert outcome(response, 400)["issue"][0]["code"] == "invalid"
    assert not AuditEvent.objects.exists()


def test_the_api_rate_limit_applies_and_is_answered_429(
    nurse: User, patient: Patient, settings: Any
) -> None:
    settings.CUSTODIAN_API_USER_RATE = "2/minute"
    client = fhir_client(nurse)
    url = f"/fhir/Patient/{patient.public_id}"

    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    outcome(client.get(url), 429)
    assert AuditEvent.objects.filter(action="search").count() == 2


def test_guessing_tokens_is_slowed_down(settings: Any) -> None:
    settings.CUSTODIAN_API_ANON_RATE = "3/minute"
    guesses = [FhirClient(f"guess{n}").get("/fhir/Patient/x") for n in range(4)]

    assert [r.status_code for r in guesses] == [401, 401, 401, 429]


def test_a_deceased_patient_says_so_with_the_date(
    nurse: User, patient: Patient
) -> None:
    Patient.objects.filter(pk=patient.pk).update(
        date_of_death=timezone.localdate() - timedelta(days=1)
    )
    response = fhir_client(nurse).get(f"/fhir/Patient/{patient.public_id}")

    resource = valid_r4(response.json())
    assert (
        resource["deceasedDateTime"]
        == (timezone.localdate() - timedelta(days=1)).isoformat()
    )


def _ihi(patient: Patient, value: str) -> None:
    PatientIdentifier.objects.create(
        patient=patient, type=IdentifierType.IHI, system="AUSHIC", value=value
    )


def test_search_by_ihi_finds_the_patient_and_shows_the_ihi(
    nurse: User, patient: Patient, other_patient: Patient
) -> None:
    _ihi(patient, IHI)
    _ihi(PatientFactory(facility=patient.facility), OTHER_IHI)
    client = fhir_client(nurse)

    for identifier in (f"{IHI_SYSTEM}|{IHI}", IHI):
        response = client.get("/fhir/Patient", {"identifier": identifier})
        assert response.status_code == 200
        bundle = valid_r4(response.json())
        assert bundle["total"] == 1
        resource = bundle["entry"][0]["resource"]
        assert resource["id"] == str(patient.public_id)
        ihi = [i for i in resource["identifier"] if i["system"] == IHI_SYSTEM]
        assert [(i["value"], i["type"]["coding"][0]["code"]) for i in ihi] == [
            (IHI, "NI")
        ]
    read = valid_r4(client.get(f"/fhir/Patient/{patient.public_id}").json())
    assert {"system": IHI_SYSTEM, "value": IHI} in [
        {"system": i["system"], "value": i["value"]} for i in read["identifier"]
    ]


def test_an_ihi_outside_the_callers_wards_or_under_another_system_finds_no_one(
    nurse: User, outsider: User, patient: Patient
) -> None:
    _ihi(patient, IHI)
    as_nurse, as_outsider = fhir_client(nurse), fhir_client(outsider)
    searches = [
        (as_outsider, f"{IHI_SYSTEM}|{IHI}"),
        (as_nurse, f"{MRN_SYSTEM}|{IHI}"),
        (as_nurse, f"{IHI_SYSTEM}|{OTHER_IHI}"),
        (as_nurse, f"{IHI_SYSTEM}|{patient.mrn}"),
    ]
    for client, identifier in searches:
        response = client.get("/fhir/Patient", {"identifier": identifier})
        bundle = valid_r4(response.json())
        assert bundle["total"] == 0
        assert "entry" not in bundle
