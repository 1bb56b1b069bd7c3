"""The CapabilityStatement and the JSON negotiation every endpoint shares."""

import pytest

from tests.interop.fhir_support import fhir_client, outcome, valid_r4

pytestmark = pytest.mark.django_db


def test_metadata_is_an_r4_capability_statement_that_needs_no_token() -> None:
    response = fhir_client().get("/fhir/metadata")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = valid_r4(response.json())
    assert statement["fhirVersion"] == "4.0.1"
    offered = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(offered) == {"Patient", "Media", "Binary"}
    media_params = {p["name"] for p in offered["Media"]["searchParam"]}
    assert {"patient", "subject", "created", "_count"} <= media_params
    assert statement["implementation"]["url"] == "http://testserver/fhir/"


@pytest.mark.parametrize(
    "query", ["", "?_format=json", "?_format=application/fhir%2Bjson"]
)
@pytest.mark.parametrize(
    "accept", ["", "application/fhir+json", "application/json", "*/*"]
)
def test_json_is_served_however_it_is_asked_for(query: str, accept: str) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    assert fhir_client().get(f"/fhir/metadata{query}", **headers).status_code == 200


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?_format=xml", ""), ("", "application/fhir+xml"), ("", "text/html")],
)
def test_anything_but_json_is_not_acceptable(query: str, accept: str) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = fhir_client().get(f"/fhir/metadata{query}", **headers)

    body = outcome(response, 406)
    assert body["issue"][0]["code"] == "not-supported"


def test_writes_are_refused_with_an_operation_outcome() -> None:
    outcome(fhir_client().post("/fhir/metadata"), 405)
