"""Teaching/publication exports: consented, de-identified, audited, and refused cleanly."""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.api_tokens import issue_api_token
from accounts.models import ApiToken
from audit.models import AuditEvent
from imaging.exceptions import PatientNotFound
from imaging.models import ClinicalImage
from imaging.safety.consent import withdraw_consent
from imaging.safety.sensitive import mark_sensitive
from imaging.teaching.export import (
    ConsentMissing,
    SensitiveNotConfirmed,
    export_for_teaching,
)
from records.breakglass import request_break_glass
from records.models import Patient
from tests.records.browsing import photo, signed_in

pytestmark = pytest.mark.django_db

CAPTURED = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)


def _consented(
    nurse: User, patient: Patient, n: int = 0, **fields: Any
) -> ClinicalImage:
    fields.setdefault("consent_purposes", ("care", "teaching", "publication"))
    return photo(
        actor=nurse,
        patient=patient,
        n=n,
        captured_at=CAPTURED + timedelta(hours=n),
        body_site_code="14975008",
        laterality="left",
        view="Anterior",
        **fields,
    )


def _identified_jpeg(patient: Patient) -> bytes:
    """A photo whose EXIF names the patient, as a phone's caption might."""
    exif = Image.Exif()
    exif[0x010E] = f"{patient.full_name} MRN {patient.mrn}"  # ImageDescription
    exif[0x9286] = patient.date_of_birth.isoformat()  # UserComment
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "salmon").save(
        out, format="JPEG", exif=exif, comment=patient.mrn.encode()
    )
    return out.getvalue()


def _exports() -> int:
    return AuditEvent.objects.filter(action="teaching_export").count()


def _ids(*images: ClinicalImage) -> list[str]:
    return [str(image.public_id) for image in images]


def test_withdrawn_consent_blocks_a_teaching_export_and_nothing_is_written(
    nurse: User, patient: Patient
) -> None:
    fine = _consented(nurse, patient)
    withdrawn = _consented(nurse, patient, n=1)
    withdraw_consent(actor=nurse, image=withdrawn, purposes=["teaching"])
    before = AuditEvent.objects.count()
    with pytest.raises(ConsentMissing) as refused:
        export_for_teaching(
            actor=nurse,
            patient=patient,
            image_ids=_ids(fine, withdrawn),
            purpose="teaching",
        )
    assert refused.value.images == [withdrawn]
    assert "consent withdrawn on" in refused.value.message
    assert str(withdrawn.public_id)[:8] in refused.value.message
    assert AuditEvent.objects.count() == before


def test_publication_consent_never_given_blocks_a_publication_export(
    nurse: User, patient: Patient
) -> None:
    teaching_only = _consented(nurse, patient, consent_purposes=("care", "teaching"))
    with pytest.raises(ConsentMissing) as refused:
        export_for_teaching(
            actor=nurse,
            patient=patient,
            image_ids=_ids(teaching_only),
            purpose="publication",
        )
    assert "consent for publication never given" in refused.value.message
    assert refused.value.status_code == 409
    assert _exports() == 0


def test_the_set_has_no_identifier_no_metadata_and_a_coded_manifest(
    nurse: User, patient: Patient
) -> None:
    image = _consented(nurse, patient, data=_identified_jpeg(patient))
    made = export_for_teaching(
        actor=nurse, patient=patient, image_ids=_ids(image), purpose="teaching"
    )
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    contents = b"".join(archive.read(name) for name in archive.namelist())
    names = " ".join(archive.namelist())
    born = patient.date_of_birth
    identifiers = [
        patient.family_name,
        patient.given_names,
        patient.mrn,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        patient.facility.name,
        str(image.public_id),
    ]
    for text in identifiers:
        assert text.encode() not in made.data, text
        assert text.encode() not in contents, text
        assert text not in names, text
    [picture] = [n for n in archive.namelist() if n.endswith(".jpg")]
    with Image.open(io.BytesIO(archive.read(picture))) as jpeg:
        assert not jpeg.getexif()
        assert "exif" not in jpeg.info
        assert "comment" not in jpeg.info
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert rows == [
        {
            "reference": f"{made.reference}-001",
            "file": picture,
            "body_site_code": "14975008",
            "body_site_term": "Forearm",
            "laterality": "left",
            "laterality_code": "7771000",
            "view": "Anterior",
            "captured_month": "2026-03",
            "purpose": "teaching",
            "consent_kind": "verbal",
            "consent_for_purpose": "given",
        }
    ]


def test_one_audit_event_names_the_images_and_the_purpose(
    nurse: User, patient: Patient
) -> None:
    first, second = _consented(nurse, patient), _consented(nurse, patient, n=1)
    made = export_for_teaching(
        actor=nurse,
        patient=patient,
        image_ids=_ids(second, first),
        purpose="publication",
    )
    event = AuditEvent.objects.get(action="teaching_export")
    assert event.actor == nurse
    assert event.patient_public_id == patient.public_id
    assert event.detail["purpose"] == "publication"
    assert event.detail["images"] == _ids(first, second)  # in capture order
    assert event.detail["export"] == made.reference


def test_sensitive_images_need_an_explicit_choice(
    nurse: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    mark_sensitive(actor=nurse, image=image, sensitivity="intimate")
    before = AuditEvent.objects.count()
    with pytest.raises(SensitiveNotConfirmed):
        export_for_teaching(
            actor=nurse, patient=patient, image_ids=_ids(image), purpose="teaching"
        )
    assert AuditEvent.objects.count() == before
    export_for_teaching(
        actor=nurse,
        patient=patient,
        image_ids=_ids(image),
        purpose="teaching",
        include_sensitive=True,
    )
    event = AuditEvent.objects.get(action="teaching_export")
    assert event.detail["sensitive_included"] == _ids(image)


def test_an_outsider_gets_404_and_nothing_is_written(
    nurse: User, outsider: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    client = signed_in(outsider)
    before = AuditEvent.objects.count()
    with pytest.raises(PatientNotFound):
        export_for_teaching(
            actor=outsider, patient=patient, image_ids=_ids(image), purpose="teaching"
        )
    page = client.post(
        f"/teaching/patients/{patient.public_id}/",
        {"purpose": "teaching", "images": _ids(image)},
    )
    assert page.status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_page_downloads_the_set_or_flags_the_images_to_deselect(
    nurse: User, patient: Patient
) -> None:
    fine = _consented(nurse, patient)
    withdrawn = _consented(nurse, patient, n=1)
    withdraw_consent(actor=nurse, image=withdrawn, purposes=["teaching"])
    client = signed_in(nurse)
    url = f"/teaching/patients/{patient.public_id}/"
    form = client.get(url, {"images": _ids(fine)})
    assert form.status_code == 200
    assert "Export de-identified images" in form.content.decode()
    refused = client.post(url, {"purpose": "teaching", "images": _ids(fine, withdrawn)})
    assert refused.status_code == 409
    assert "Deselect this image" in refused.content.decode()
    assert _exports() == 0
    done = client.post(url, {"purpose": "teaching", "images": _ids(fine)})
    assert done.status_code == 200
    assert done["Content-Type"] == "application/zip"
    assert patient.mrn not in done["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(done.content)).testzip() is None
    assert _exports() == 1


def test_a_stale_session_must_confirm_the_password_first(
    nurse: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    client = signed_in(nurse)
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        response = client.post(
            f"/teaching/patients/{patient.public_id}/",
            {"purpose": "teaching", "images": _ids(image)},
        )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauth/")
    assert _exports() == 0


def test_the_api_needs_a_fresh_token_and_answers_the_zip(
    nurse: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    token, key = issue_api_token(user=nurse, device="Laptop")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/patients/{patient.public_id}/teaching-exports/"
    body = {"purpose": "teaching", "images": _ids(image)}
    assert client.post(url, body, format="json").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(hours=1)
    )
    assert client.post(url, body, format="json").status_code == 403
    assert _exports() == 1


def test_the_api_names_the_refused_images(nurse: User, patient: Patient) -> None:
    image = _consented(nurse, patient, consent_purposes=("care",))
    client = APIClient()
    _, key = issue_api_token(user=nurse, device="Laptop")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        f"/api/patients/{patient.public_id}/teaching-exports/",
        {"purpose": "teaching", "images": _ids(image)},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["refused_images"] == _ids(image)
    assert _exports() == 0


def test_only_ward_staff_export(
    records_manager: User, patient: Patient, nurse: User
) -> None:
    image = _consented(nurse, patient)
    response = signed_in(records_manager).post(
        f"/teaching/patients/{patient.public_id}/",
        {"purpose": "teaching", "images": _ids(image)},
    )
    assert response.status_code == 403
    assert _exports() == 0


def test_break_the_glass_access_is_for_care_not_teaching(
    nurse: User, outsider: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    request_break_glass(
        actor=outsider, patient=patient, reason_code="other", reason_text="Handover"
    )
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        export_for_teaching(
            actor=outsider, patient=patient, image_ids=_ids(image), purpose="teaching"
        )
    assert AuditEvent.objects.count() == before


def test_opening_the_form_is_recorded_as_a_view_of_the_thumbnails(
    nurse: User, patient: Patient
) -> None:
    image = _consented(nurse, patient)
    signed_in(nurse).get(f"/teaching/patients/{patient.public_id}/")
    event = AuditEvent.objects.get(action="view_gallery")
    assert event.detail["images"] == _ids(image)
    assert event.detail["filters"] == {"page": "teaching-export"}
