"""Failures of the FHIR API, and the OperationOutcome every failure is answered with."""

from typing import Any

from common.errors import DomainError

# OperationOutcome.issue.code (the FHIR "issue-type" value set) for each status we send.
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    413: "too-long",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}


class FhirError(DomainError):
    """A FHIR request refused with a 4xx and an OperationOutcome."""


class NotAuthenticated(FhirError):
    status_code = 401


class NotAcceptable(FhirError):
    status_code = 406


class Throttled(FhirError):
    status_code = 429


class InvalidSearch(FhirError):
    """A search parameter we do not support, or a value we cannot read."""

    status_code = 400


def operation_outcome(status: int, message: str) -> dict[str, Any]:
    """An OperationOutcome with one error issue, coded for the HTTP status."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": ISSUE_CODES.get(status, "processing"),
                "diagnostics": message,
            }
        ],
    }
