"""Binary: the original's exact bytes, raw or as FHIR JSON; sensitive images need a
reason; every download is audited as the REST API's, and no refusal claims one."""

import base64
import hashlib
import io

import pytest
from django.contrib.auth.models import User
from PIL import Image

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from imaging.safety.sensitive import mark_sensitive
from records.breakglass import request_break_glass
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.interop.fhir_support import fhir_client, outcome, valid_r4

pytestmark = pytest.mark.django_db
CLAIMS_OF_ACCESS = ("download", "reveal_sensitive", "view", "view_gallery")


def _accesses() -> int:
    return AuditEvent.objects.filter(action__in=CLAIMS_OF_ACCESS).count()


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("accept", ["", "image/jpeg", "*/*", "image/*"])
def test_the_raw_original_comes_back_bit_for_bit_and_is_audited(
    nurse: User, wound_photo: ClinicalImage, accept: str
) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = fhir_client(nurse).get(
        f"/fhir/Binary/{wound_photo.public_id}", **headers
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(_body(response)).hexdigest() == wound_photo.sha256
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.object_id) == (nurse, str(wound_photo.public_id))


@pytest.mark.parametrize(
    ("query", "accept"),
    [("", "application/fhir+json"), ("?_format=json", "image/jpeg")],
)
def test_asked_for_json_the_original_is_a_valid_binary(
    nurse: User, patient: Patient, query: str, accept: str
) -> None:
    png = capture(actor=nurse, patient=patient, data=_png())
    response = fhir_client(nurse).get(
        f"/fhir/Binary/{png.public_id}{query}", HTTP_ACCEPT=accept
    )

    assert response.status_code == 200
    binary = valid_r4(response.json())
    assert binary["contentType"] == "image/png"
    assert hashlib.sha256(base64.b64decode(binary["data"])).hexdigest() == png.sha256
    assert AuditEvent.objects.filter(action="download").count() == 1


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "teal").save(out, format="PNG")
    return out.getvalue()


def test_another_image_type_is_not_acceptable_and_nothing_is_downloaded(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    response = fhir_client(nurse).get(
        f"/fhir/Binary/{wound_photo.public_id}", HTTP_ACCEPT="image/png"
    )

    outcome(response, 406)
    assert _accesses() == 0


def test_an_outsider_gets_404_and_leaves_no_trace(
    outsider: User, wound_photo: ClinicalImage
) -> None:
    outcome(fhir_client(outsider).get(f"/fhir/Binary/{wound_photo.public_id}"), 404)
    assert not AuditEvent.objects.filter(actor=outsider).exists()


def test_a_sensitive_image_needs_a_reason_and_the_reason_is_kept(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="intimate")
    client = fhir_client(nurse)
    url = f"/fhir/Binary/{wound_photo.public_id}"

    refused = outcome(client.get(url), 403)
    assert "reason" in refused["issue"][0]["diagnostics"]
    assert outcome(client.get(url, {"reason": "  "}), 403)
    assert _accesses() == 0

    reason = "Comparing with today's wound review"
    response = client.get(url, {"reason": reason})
    assert hashlib.sha256(_body(response)).hexdigest() == wound_photo.sha256
    reveal = AuditEvent.objects.get(action="reveal_sensitive")
    assert (reveal.actor, reveal.reason) == (nurse, reason)
    assert AuditEvent.objects.filter(action="download").count() == 1
    # Stateless: no session cookie, and the next request needs its own reason.
    assert "sessionid" not in response.cookies
    outcome(client.get(url), 403)
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_the_media_of_a_sensitive_image_is_shown_without_a_reason(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="intimate")

    response = fhir_client(nurse).get(f"/fhir/Media/{wound_photo.public_id}")

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="reveal_sensitive").exists()


def test_a_role_that_may_not_download_originals_is_refused_without_a_download_event(
    privacy_officer: User, wound_photo: ClinicalImage
) -> None:
    response = fhir_client(privacy_officer).get(f"/fhir/Binary/{wound_photo.public_id}")

    outcome(response, 403)
    assert not AuditEvent.objects.filter(action="download").exists()


def test_break_the_glass_opens_another_wards_photo_and_says_so_in_the_trail(
    nurse: User, other_patient: Patient, outsider: User
) -> None:
    photo = capture(actor=outsider, patient=other_patient, data=jpeg_bytes())
    client = fhir_client(nurse)
    outcome(client.get(f"/fhir/Media/{photo.public_id}"), 404)
    request_break_glass(
        actor=nurse,
        patient=other_patient,
        reason_code="consult",
        reason_text="Asked to review the wound by the orthopaedic registrar",
    )

    assert client.get(f"/fhir/Media/{photo.public_id}").status_code == 200
    event = AuditEvent.objects.get(action="view", actor=nurse)
    assert event.detail["break_glass"] is True
