"""Privacy officers and records managers see who accessed a record, and export it."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from audit.services import Action, record_event
from imaging.models import ClinicalImage
from imaging.services.access import download_original
from records.models import Patient
from tests.factories import FacilityFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_patient(db: None) -> Patient:
    """A patient of another hospital: outside every officer's facilities here."""
    return PatientFactory(facility=FacilityFactory(code="FAR"), family_name="Faraway")


@pytest.fixture
def accessed(nurse: User, patient: Patient, wound_photo: ClinicalImage) -> Patient:
    download_original(actor=nurse, image=wound_photo)
    record_event(
        actor=nurse,
        action=Action.VIEW,
        target=wound_photo,
        patient=patient,
        reason="Dressing review",
    )
    return patient


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _report_url(patient: Patient, suffix: str = "") -> str:
    return reverse(
        f"access-reports:patient-report{suffix}",
        kwargs={"public_id": patient.public_id},
    )


def test_a_privacy_officer_sees_who_accessed_a_patients_images_and_why(
    client: Client, privacy_officer: User, accessed: Patient
) -> None:
    page = _signed_in(client, privacy_officer).get(_report_url(accessed))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Downloaded original" in text
    assert "Dressing review" in text
    assert "nurse" in text


def test_producing_a_report_is_itself_on_the_trail(
    client: Client, records_manager: User, accessed: Patient
) -> None:
    _signed_in(client, records_manager).get(_report_url(accessed, "-csv"))
    event = AuditEvent.objects.get(action=Action.ACCESS_REPORT)
    assert event.actor == records_manager
    assert event.patient_public_id == accessed.public_id
    assert event.detail["format"] == "csv"


def test_the_csv_export_lists_every_access_and_defuses_formulas(
    client: Client, privacy_officer: User, nurse: User, accessed: Patient
) -> None:
    record_event(
        actor=nurse, action=Action.VIEW, patient=accessed, reason="=HYPERLINK(evil)"
    )
    response = _signed_in(client, privacy_officer).get(_report_url(accessed, "-csv"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(body)))
    actions = [row["Action"] for row in table]
    assert actions[:2] == ["Uploaded", "Downloaded original"]
    assert "Access report produced" in actions
    assert "'=HYPERLINK(evil)" in [row["Reason"] for row in table]
    photo = accessed.images.get()
    assert table[0]["Record"] == f"Clinical image {photo.public_id}"


def test_a_long_pdf_export_runs_over_several_pages(
    client: Client, privacy_officer: User, nurse: User, accessed: Patient
) -> None:
    for n in range(120):
        record_event(actor=nurse, action=Action.VIEW, patient=accessed, reason=f"n{n}")
    response = _signed_in(client, privacy_officer).get(_report_url(accessed, "-pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) >= 3
    assert "Dressing review" in pdf.pages[0].extract_text()
    assert "n119" in "".join(page.extract_text() for page in pdf.pages)


@pytest.mark.parametrize("suffix", ["", "-csv", "-pdf"])
def test_ward_staff_are_refused_and_nothing_is_recorded(
    client: Client, nurse: User, accessed: Patient, suffix: str
) -> None:
    client = _signed_in(client, nurse)
    before = AuditEvent.objects.count()
    response = client.get(_report_url(accessed, suffix))
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_a_patient_of_another_facility_is_not_found_and_nothing_is_recorded(
    client: Client, privacy_officer: User, foreign_patient: Patient
) -> None:
    response = _signed_in(client, privacy_officer).get(_report_url(foreign_patient))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.ACCESS_REPORT).exists()


def test_a_users_activity_shows_only_patients_of_the_readers_facilities(
    client: Client,
    privacy_officer: User,
    nurse: User,
    accessed: Patient,
    foreign_patient: Patient,
) -> None:
    record_event(actor=nurse, action=Action.VIEW, patient=foreign_patient, reason="far")
    url = reverse("access-reports:user-report-csv", kwargs={"username": "nurse"})
    response = _signed_in(client, privacy_officer).get(url)
    table = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    patients = {row["Patient"] for row in table}
    assert patients == {str(accessed.public_id)}
    assert "far" not in {row["Reason"] for row in table}
    event = AuditEvent.objects.get(action=Action.ACCESS_REPORT)
    assert (event.object_type, event.object_id) == ("auth.user", str(nurse.pk))


def test_the_index_finds_patients_of_the_readers_facilities_only(
    client: Client, privacy_officer: User, patient: Patient, foreign_patient: Patient
) -> None:
    client = _signed_in(client, privacy_officer)
    mine = client.get(reverse("access-reports:report-index"), {"patient": patient.mrn})
    assert _report_url(patient) in mine.content.decode()
    theirs = client.get(reverse("access-reports:report-index"), {"patient": "Faraway"})
    assert "No patient of your facilities matches" in theirs.content.decode()


def test_the_index_takes_a_username_to_that_users_report(
    client: Client, privacy_officer: User, nurse: User
) -> None:
    response = _signed_in(client, privacy_officer).get(
        reverse("access-reports:report-index"), {"user": "nurse"}
    )
    assert response["Location"] == reverse(
        "access-reports:user-report", kwargs={"username": "nurse"}
    )
    page = client.get(response["Location"])
    assert "Activity of" in page.content.decode()


def test_an_unknown_user_is_not_found(client: Client, privacy_officer: User) -> None:
    url = reverse("access-reports:user-report", kwargs={"username": "nobody"})
    assert _signed_in(client, privacy_officer).get(url).status_code == 404


def test_a_username_that_cannot_be_in_an_address_is_simply_not_found(
    client: Client, privacy_officer: User
) -> None:
    response = _signed_in(client, privacy_officer).get(
        reverse("access-reports:report-index"), {"user": "../nurse/x"}
    )
    assert response.status_code == 404
