"""A ward user opens a patient outside their wards with a reason; a privacy officer reviews."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from records.breakglass import request_break_glass, review_break_glass
from records.models import BreakGlassAccess, FacilityAssignment, Patient
from records.selectors import can_view_patient
from tests.factories import FacilityFactory, UserFactory
from tests.records.browsing import signed_in

pytestmark = pytest.mark.django_db


def gallery_url(patient: Patient) -> str:
    return reverse("imaging:patient-gallery", args=[patient.public_id])


def break_glass_form(
    patient: Patient, code: str = "emergency", text: str = ""
) -> dict[str, str]:
    return {"mrn": patient.mrn, "reason_code": code, "reason_text": text}


@pytest.fixture
def access(nurse: User, other_patient: Patient) -> BreakGlassAccess:
    return request_break_glass(
        actor=nurse,
        patient=other_patient,
        reason_code="consult",
        reason_text="Asked to review the wound by the orthopaedic registrar",
    )


def test_without_a_reason_break_the_glass_is_refused_and_writes_nothing(
    nurse: User, other_patient: Patient
) -> None:
    client = signed_in(nurse)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("records:break-glass"), break_glass_form(other_patient)
    )
    assert response.status_code == 200
    assert "Explain in a few words" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert AuditEvent.objects.count() == before
    assert client.get(gallery_url(other_patient)).status_code == 404


def test_the_service_refuses_a_blank_reason_and_writes_nothing(
    nurse: User, other_patient: Patient
) -> None:
    with pytest.raises(ValidationError):
        request_break_glass(
            actor=nurse, patient=other_patient, reason_code="other", reason_text="   "
        )
    with pytest.raises(ValidationError):
        request_break_glass(
            actor=nurse, patient=other_patient, reason_code="", reason_text="Handover"
        )
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.exists()


def test_with_a_reason_the_nurse_sees_the_patient_until_expiry_then_not(
    nurse: User, other_patient: Patient
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(nurse)
        form = break_glass_form(other_patient, text="Patient arriving from ED")
        response = client.post(reverse("records:break-glass"), form)
        assert response.status_code == 302
        assert response["Location"] == gallery_url(other_patient)
        page = client.get(gallery_url(other_patient))
        assert "breaking the glass" in page.content.decode()
        event = AuditEvent.objects.get(action="break_glass")
        assert "Patient arriving from ED" in event.reason
        assert event.patient_public_id == other_patient.public_id
    with time_machine.travel(start + timedelta(hours=3, minutes=59), tick=False):
        assert can_view_patient(nurse, other_patient)
    with time_machine.travel(start + timedelta(hours=4, minutes=1), tick=False):
        client = signed_in(nurse)
        assert client.get(gallery_url(other_patient)).status_code == 404
        assert not can_view_patient(nurse, other_patient)


def test_break_the_glass_hours_come_from_settings(
    nurse: User, other_patient: Patient, settings: object
) -> None:
    settings.CUSTODIAN_BREAK_GLASS_HOURS = 1  # type: ignore[attr-defined]
    grant = request_break_glass(
        actor=nurse, patient=other_patient, reason_code="other", reason_text="Handover"
    )
    assert grant.expires_at - grant.granted_at == timedelta(hours=1)


def test_an_unknown_mrn_is_refused_and_writes_nothing(nurse: User) -> None:
    client = signed_in(nurse)
    before = AuditEvent.objects.count()
    form = {"mrn": "NOPE", "reason_code": "emergency", "reason_text": "Cardiac arrest"}
    response = client.post(reverse("records:break-glass"), form)
    assert "No patient with this MRN" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["records_manager", "legal_officer", "administrator"])
def test_only_ward_staff_may_break_the_glass(
    who: str, request: pytest.FixtureRequest, other_patient: Patient
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        request_break_glass(
            actor=user,
            patient=other_patient,
            reason_code="other",
            reason_text="Curious",
        )
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_access_appears_in_the_privacy_officers_review_queue(
    access: BreakGlassAccess, privacy_officer: User
) -> None:
    html = signed_in(privacy_officer).get(reverse("records:break-glass-queue")).content
    text = html.decode()
    assert "Awaiting review (1)" in text
    assert "Asked to review the wound by the orthopaedic registrar" in text


def test_the_privacy_officer_records_a_review(
    access: BreakGlassAccess, privacy_officer: User
) -> None:
    client = signed_in(privacy_officer)
    url = reverse("records:break-glass-review", args=[access.public_id])
    response = client.post(url, {"outcome": "referred", "note": "Not on the team"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.review_status == "referred"
    assert access.reviewed_by == privacy_officer
    assert access.review_note == "Not on the team"
    event = AuditEvent.objects.get(action="break_glass_reviewed")
    assert event.detail["outcome"] == "referred"
    html = client.get(reverse("records:break-glass-queue")).content.decode()
    assert "Awaiting review (0)" in html
    assert "Referred for investigation" in html


def test_a_review_is_recorded_once(
    access: BreakGlassAccess, privacy_officer: User
) -> None:
    review_break_glass(actor=privacy_officer, access=access, outcome="appropriate")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        review_break_glass(actor=privacy_officer, access=access, outcome="referred")
    access.refresh_from_db()
    assert access.review_status == "appropriate"
    assert AuditEvent.objects.count() == before


def test_a_review_without_an_outcome_changes_nothing(
    access: BreakGlassAccess, privacy_officer: User
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        review_break_glass(actor=privacy_officer, access=access, outcome="pending")
    access.refresh_from_db()
    assert access.is_pending
    assert AuditEvent.objects.count() == before


def test_nobody_but_a_privacy_officer_reviews(
    access: BreakGlassAccess, records_manager: User
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        review_break_glass(actor=records_manager, access=access, outcome="appropriate")
    access.refresh_from_db()
    assert access.is_pending
    assert AuditEvent.objects.count() == before


def test_pages_seen_through_break_the_glass_are_marked_in_the_audit_trail(
    access: BreakGlassAccess, nurse: User, other_patient: Patient
) -> None:
    signed_in(nurse).get(gallery_url(other_patient))
    event = AuditEvent.objects.get(action="view_gallery")
    assert event.detail["break_glass"] is True


def test_a_privacy_officer_elsewhere_does_not_see_the_access(
    access: BreakGlassAccess,
) -> None:
    far = UserFactory(username="far.privacy", role=Role.PRIVACY_OFFICER)
    FacilityAssignment.objects.create(user=far, facility=FacilityFactory(code="FAR"))
    html = signed_in(far).get(reverse("records:break-glass-queue")).content.decode()
    assert "Awaiting review (0)" in html
    url = reverse("records:break-glass-review", args=[access.public_id])
    assert signed_in(far).post(url, {"outcome": "appropriate"}).status_code == 404
    access.refresh_from_db()
    assert access.is_pending
