"""Custodian's rows as FHIR R4 (4.0.1) resources: Patient, Media, Binary, Bundle, and
the CapabilityStatement that says which of them this server offers.

Plain dicts, checked in the test suite against fhir.resources' R4B models (identical
to R4 for these resources).
"""

import base64
from typing import Any

from imaging import bodysites
from imaging.models import ClinicalImage
from interop.fhir.selectors import IHI_SYSTEM, ihi_of, mrn_system
from records.models import Patient

FHIR_VERSION = "4.0.1"
SNOMED = "http://snomed.info/sct"
LATERALITY_ATTRIBUTE = "272741003"  # SNOMED CT "Laterality (attribute)"
IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203"
MEDIA_TYPES = "http://terminology.hl7.org/CodeSystem/media-type"
DICOM_MODALITIES = "http://dicom.nema.org/resources/ontology/DCM"
IMAGE_SYSTEM = "urn:custodian:image"
ENCOUNTER_SYSTEM = "urn:custodian:encounter"
Resource = dict[str, Any]


def _identifier(code: str, text: str, system: str, value: str) -> Resource:
    return {
        "use": "official",
        "type": {
            "coding": [{"system": IDENTIFIER_TYPES, "code": code}],
            "text": text,
        },
        "system": system,
        "value": value,
    }


def patient_resource(patient: Patient) -> Resource:
    """Patient: identifiers (MRN, IHI when known), name, sex, birth and death dates."""
    identifiers = [
        _identifier("MR", "Medical record number", mrn_system(patient), patient.mrn)
    ]
    if ihi := ihi_of(patient):
        identifiers.append(
            _identifier("NI", "Individual Healthcare Identifier", IHI_SYSTEM, ihi)
        )
    name: Resource = {"use": "official", "family": patient.family_name}
    if patient.given_names:
        name["given"] = patient.given_names.split()
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "identifier": identifiers,
        "name": [name],
        "gender": patient.sex,
        "managingOrganization": {"display": patient.facility.name},
    }
    if patient.date_of_birth:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    if patient.date_of_death:
        resource["deceasedDateTime"] = patient.date_of_death.isoformat()
    return resource


def body_site(image: ClinicalImage) -> Resource | None:
    """The SNOMED CT site, refined by laterality as a post-coordinated expression."""
    site = bodysites.BY_CODE.get(image.body_site_code)
    words = bodysites.describe(image.body_site_code, image.laterality)
    text = words or image.body_site
    if site is None:
        return {"text": text} if text else None
    laterality = bodysites.LATERALITY_CODES.get(image.laterality)
    code = site.code
    if site.lateral and laterality:
        code = f"{site.code}:{LATERALITY_ATTRIBUTE}={laterality}"
    coding = {"system": SNOMED, "code": code, "display": words or site.name}
    return {"coding": [coding], "text": text}


def _encounter(image: ClinicalImage) -> Resource | None:
    encounter = image.encounter
    if encounter is None:
        return None
    # Encounters are not served here: refer to them by identifier, with words.
    return {
        "identifier": {"system": ENCOUNTER_SYSTEM, "value": str(encounter.public_id)},
        "display": f"{encounter.ward.name}, from {encounter.started_at:%d/%m/%Y}",
    }


def media_resource(image: ClinicalImage, base_url: str) -> Resource:
    """Media: a photo in the record, with its provenance and a link to its Binary."""
    resource: Resource = {
        "resourceType": "Media",
        "id": str(image.public_id),
        "identifier": [{"system": IMAGE_SYSTEM, "value": str(image.public_id)}],
        "status": "completed",
        "type": {
            "coding": [{"system": MEDIA_TYPES, "code": "image", "display": "Image"}],
            "text": "Photo",
        },
        "modality": {
            "coding": [
                {
                    "system": DICOM_MODALITIES,
                    "code": "XC",
                    "display": "External-camera Photography",
                }
            ]
        },
        "subject": {
            "reference": f"Patient/{image.patient.public_id}",
            "display": image.patient.full_name,
        },
        "createdDateTime": image.captured_at.isoformat(),
        "issued": image.uploaded_at.isoformat(),
        "operator": {"display": image.photographer},
        "height": image.height,
        "width": image.width,
        "content": {
            "contentType": image.content_type,
            "size": image.size_bytes,
            "title": _title(image),
            "url": f"{base_url}Binary/{image.public_id}",
            "creation": image.captured_at.isoformat(),
        },
    }
    optional: Resource = {
        "encounter": _encounter(image),
        "bodySite": body_site(image),
        "view": {"text": bodysites.view_words(image.view)} if image.view else None,
        "device": {"display": image.device} if image.device else None,
        "note": [{"text": image.note}] if image.note else None,
    }
    resource.update({key: value for key, value in optional.items() if value})
    return resource


def _title(image: ClinicalImage) -> str:
    site = bodysites.describe(image.body_site_code, image.laterality) or image.body_site
    taken = f"Photo taken {image.captured_at:%d/%m/%Y}"
    return f"{site}, {taken.lower()}" if site else taken


def binary_resource(image: ClinicalImage, data: bytes) -> Resource:
    """Binary: the original's exact bytes, base64, with its content type."""
    return {
        "resourceType": "Binary",
        "id": str(image.public_id),
        "contentType": image.content_type,
        "data": base64.b64encode(data).decode("ascii"),
    }


def searchset(
    entries: list[tuple[str, Resource]],
    *,
    total: int,
    self_url: str,
    next_url: str | None,
) -> Resource:
    """A searchset Bundle: the matches of one page, with the total and a next link."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
    }
    # FHIR JSON has no empty arrays: a search that matched nothing has no entry.
    if entries:
        bundle["entry"] = [
            {"fullUrl": full_url, "resource": resource, "search": {"mode": "match"}}
            for full_url, resource in entries
        ]
    return bundle
