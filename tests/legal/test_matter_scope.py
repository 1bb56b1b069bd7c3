"""Opening a matter: find patients by an audited search, pick images from their gallery.

The page is one form; Search and Choose images redraw it, only Open writes the matter.
"""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from legal.holds import is_under_hold
from legal.models import LegalMatter
from records.models import Facility, Patient
from tests.factories import (
    EncounterFactory,
    FacilityFactory,
    PatientFactory,
    WardFactory,
    staff_on,
)
from tests.records.browsing import photo

pytestmark = pytest.mark.django_db

URL = "/legal/matters/new/"
MATTER = {"reference": "NSWSC 2026/321", "kind": "subpoena"}


@pytest.fixture
def officer(legal_officer: User) -> Client:
    client = Client()
    client.force_login(legal_officer)
    return client


@pytest.fixture
def elsewhere() -> Patient:
    """A patient of another facility, with the same name as the officer's patient."""
    ward = WardFactory(facility=FacilityFactory(code="FSH"))
    other = PatientFactory(
        facility=ward.facility, family_name="Citizen", given_names="Jane"
    )
    EncounterFactory(patient=other, ward=ward)
    return other


@pytest.fixture
def elsewhere_photo(elsewhere: Patient) -> ClinicalImage:
    ward = elsewhere.encounters.get().ward
    return photo(actor=staff_on(ward, username="fsh.nurse"), patient=elsewhere)


def post(client: Client, **data: Any) -> Any:
    return client.post(URL, {**MATTER, **data})


def test_the_page_lists_none_of_the_facilitys_patients_before_a_search(
    officer: Client, facility: Facility
) -> None:
    crowd = PatientFactory.create_batch(30, facility=facility)
    page = officer.get(URL).content.decode()
    assert not any(p.mrn in page or p.family_name.upper() in page for p in crowd)
    assert page.count('type="date"') == 3  # date of birth, scope from, scope to
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()


@pytest.mark.parametrize(
    ("criteria", "finds"),
    [
        (lambda p: {"q": p.mrn}, True),
        (lambda p: {"q": "citizen, ja"}, True),
        (lambda p: {"date_of_birth": p.date_of_birth.isoformat()}, True),
        (lambda p: {"q": "citizen", "date_of_birth": "1901-01-01"}, False),
    ],
)
def test_a_search_by_mrn_name_or_birth_date_is_audited_with_what_it_showed(
    officer: Client, patient: Patient, elsewhere: Patient, criteria: Any, finds: bool
) -> None:
    asked = criteria(patient)
    response = post(officer, action="search", **asked)
    page = response.content.decode()
    assert response.status_code == 200
    assert (f'name="patients" value="{patient.public_id}"' in page) is finds
    assert str(elsewhere.public_id) not in page
    event = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).get()
    assert event.action == AuditEvent.Action.SEARCH
    assert event.detail["patients"] == ([str(patient.public_id)] if finds else [])
    assert {k: v for k, v in event.detail["criteria"].items() if v} == asked
    assert not LegalMatter.objects.exists()


def test_a_patient_ticked_in_the_results_stays_in_scope_and_opens_with_the_matter(
    officer: Client, patient: Patient, wound_photo: ClinicalImage
) -> None:
    redrawn = post(officer, action="search", q="Smith", patients=patient.public_id)
    assert f'value="{patient.public_id}" checked' in redrawn.content.decode()
    opened = post(officer, action="open", patients=patient.public_id)
    assert opened.status_code == 302
    assert list(LegalMatter.objects.get().patients.all()) == [patient]
    assert is_under_hold(wound_photo)


def test_images_picked_from_a_gallery_are_the_matters_scope_and_nothing_else(
    officer: Client, nurse: User, patient: Patient
) -> None:
    forearm, sacrum, heel = (
        photo(actor=nurse, patient=patient, n=n, body_site=site)
        for n, site in enumerate(["Left forearm", "Sacrum", "Right heel"])
    )
    thumbnail = f"/legal/images/{forearm.public_id}/thumbnail/"
    assert officer.get(thumbnail).status_code == 404  # never shown to this officer
    page = post(officer, gallery=patient.public_id).content.decode()
    for image in (forearm, sacrum, heel):
        assert f'name="images" value="{image.public_id}"' in page
    shown = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_GALLERY)
    assert shown.patient_public_id == patient.public_id
    assert len(shown.detail["images"]) == 3
    assert officer.get(thumbnail)["Content-Type"] == "image/jpeg"

    # One ticked on the picker, one typed as a record id (as before this page).
    response = post(
        officer, action="open", images=[forearm.public_id, f"{sacrum.public_id}\n"]
    )
    assert response.status_code == 302
    matter = LegalMatter.objects.get()
    assert set(matter.images.all()) == {forearm, sacrum}
    assert not matter.patients.exists()
    assert is_under_hold(forearm)
    assert not is_under_hold(heel)


@pytest.mark.parametrize(
    "scope",
    [
        lambda other, image: {"action": "open", "patients": other.public_id},
        lambda other, image: {"action": "open", "images": image.public_id},
        lambda other, image: {"gallery": other.public_id},
        lambda other, image: {"action": "search", "images": "../../etc/passwd"},
    ],
    ids=["patient-elsewhere", "image-elsewhere", "gallery-elsewhere", "garbage-id"],
)
def test_a_patient_or_image_out_of_reach_is_refused_and_nothing_is_written(
    officer: Client,
    patient: Patient,
    elsewhere: Patient,
    elsewhere_photo: ClinicalImage,
    scope: Any,
) -> None:
    before = AuditEvent.objects.count()
    response = post(officer, q="citizen", **scope(elsewhere, elsewhere_photo))
    assert response.status_code == 404
    assert "not one you may reach" in response.content.decode()
    assert not LegalMatter.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_scope_ending_before_it_starts_is_refused_in_words(
    officer: Client, patient: Patient
) -> None:
    response = post(
        officer,
        patients=patient.public_id,
        scope_from=date(2026, 3, 5).isoformat(),
        scope_to=date(2026, 3, 1).isoformat(),
    )
    assert response.status_code == 400
    assert "(01/03/2026) is before “captured from” (05/03/2026)" in (
        response.content.decode()
    )
    assert not LegalMatter.objects.exists()
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()


def test_a_search_with_no_criteria_asks_for_one_and_records_nothing(
    officer: Client, patient: Patient
) -> None:
    response = post(officer, action="search", q=" ")
    assert response.status_code == 400
    assert "Enter an MRN, a name or a date of birth." in response.content.decode()
    assert str(patient.public_id) not in response.content.decode()
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()
