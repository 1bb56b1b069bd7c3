"""Helpers for the FHIR tests: a Bearer-token client and validation against R4 models.

fhir.resources 8 defaults to R5, which has no Media: the R4 shapes are its R4B classes
(R4B equals R4 for Patient, Media, Binary, Bundle, OperationOutcome).
"""

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from fhir.resources.R4B.binary import Binary
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.media import Media
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from tests.factories import api_key_for

MODELS: dict[str, Any] = {
    model.__name__: model
    for model in (Binary, Bundle, CapabilityStatement, Media, OperationOutcome, Patient)
}
# Required codes the models do not check against their value sets.
STATUS_CODES = {
    "Media": {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    }
}


def valid_r4(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, after checking it (and every resource a Bundle holds) against R4."""
    kind = resource["resourceType"]
    MODELS[kind].model_validate(resource)
    if kind in STATUS_CODES:
        assert resource["status"] in STATUS_CODES[kind]
    for entry in resource.get("entry", []):
        valid_r4(entry["resource"])
    return resource


class FhirClient(Client):
    """A test client that sends `Authorization: Bearer <token>` with every request."""

    def __init__(self, token: str = "", **defaults: Any) -> None:
        if token:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        super().__init__(**defaults)


def fhir_client(user: User | None = None) -> FhirClient:
    """A client with a new API token of the user's (or none at all)."""
    if user is None:
        return FhirClient()
    return FhirClient(api_key_for(user, device="EMR"))


def outcome(response: Any, status: int) -> dict[str, Any]:
    """The OperationOutcome of a refusal, after checking its status and shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body: dict[str, Any] = valid_r4(response.json())
    assert body["resourceType"] == "OperationOutcome"
    return body
