"""The CapabilityStatement served at /fhir/metadata: what this server reads and searches."""

from typing import Any

from interop.fhir.resources import FHIR_VERSION

SOFTWARE_VERSION = "1.0.0"
# Published once and changed with the API: a client caches it by this date.
PUBLISHED_ON = "2026-12-05"


def _param(name: str, kind: str, words: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": words}


RESOURCES: list[dict[str, Any]] = [
    {
        "type": "Patient",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            _param(
                "identifier",
                "token",
                "MRN (urn:custodian:mrn:{facility code}|value) or IHI "
                "(http://ns.electronichealth.net.au/id/hi/ihi/1.0|value); "
                "a bare value matches either.",
            )
        ],
    },
    {
        "type": "Media",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            _param("patient", "reference", "The patient's id (required)."),
            _param("subject", "reference", "Patient/{id}: the same as patient."),
            _param(
                "created",
                "date",
                "When the photo was taken; prefixes ge, le, gt, lt, eq.",
            ),
            _param("_count", "number", "Entries per page (1-200, default 50)."),
        ],
    },
    {"type": "Binary", "interaction": [{"code": "read"}]},
]


def capability_statement(base_url: str) -> dict[str, Any]:
    """What this server is and offers (FHIR R4, JSON, read only)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED_ON,
        "publisher": "Custodian",
        "kind": "instance",
        "software": {"name": "Custodian", "version": SOFTWARE_VERSION},
        "implementation": {
            "description": "Clinical images in the patient's health record",
            "url": base_url,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read only. Every request but this one needs "
                    "Authorization: Bearer <API token> (POST /api/token/). Every read "
                    "is audited. A sensitive image's Binary needs ?reason=..."
                ),
                "security": {
                    "cors": False,
                    "description": "Bearer API tokens issued by POST /api/token/.",
                },
                "resource": RESOURCES,
            }
        ],
    }
