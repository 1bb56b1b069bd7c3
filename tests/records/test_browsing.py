"""Ward staff find a patient, browse the gallery, open an image and download the original."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from audit.models import AuditEvent
from imaging import gallery
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import EncounterFactory, jpeg_bytes
from tests.records.browsing import photo, photos, signed_in

pytestmark = pytest.mark.django_db


def gallery_url(patient: Patient) -> str:
    return reverse("imaging:patient-gallery", args=[patient.public_id])


@pytest.fixture
def shown_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return photo(actor=nurse, patient=patient, body_site="Left forearm")


def test_home_lists_the_nurses_current_patients_with_image_counts_and_thumbnail(
    nurse: User, patient: Patient, shown_photo: ClinicalImage
) -> None:
    response = signed_in(nurse).get("/")
    html = response.content.decode()
    assert "CITIZEN, Jane" in html
    assert "1 image" in html
    assert reverse("imaging:image-thumbnail", args=[shown_photo.public_id]) in html
    event = AuditEvent.objects.get(action="view_gallery")
    assert event.detail["images"] == [str(shown_photo.public_id)]


def test_gallery_shows_the_patients_images_and_writes_one_audit_event(
    nurse: User, patient: Patient
) -> None:
    shown = photos(actor=nurse, patient=patient, count=3)
    client = signed_in(nurse)
    before = AuditEvent.objects.count()
    response = client.get(gallery_url(patient))
    assert response.status_code == 200
    for image in shown:
        assert str(image.public_id) in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event is not None
    assert event.action == "view_gallery"
    assert set(event.detail["images"]) == {str(i.public_id) for i in shown}
    assert event.patient_public_id == patient.public_id


def test_gallery_groups_images_under_the_facilitys_local_day(
    nurse: User, patient: Patient
) -> None:
    # 14:30 UTC on 10 January is 01:30 on 11 January in Sydney.
    photo(
        actor=nurse,
        patient=patient,
        captured_at=datetime(2026, 1, 10, 14, 30, tzinfo=UTC),
    )
    html = signed_in(nurse).get(gallery_url(patient)).content.decode()
    assert "11/01/2026" in html
    assert "10/01/2026" not in html


def test_gallery_filters_by_body_site_and_capture_mode(
    nurse: User, patient: Patient
) -> None:
    knee = photo(actor=nurse, patient=patient, body_site="Right knee")
    heel = photo(
        actor=nurse,
        patient=patient,
        n=1,
        body_site="Left heel",
        capture_mode="medical_device",
    )
    client = signed_in(nurse)
    html = client.get(
        gallery_url(patient), {"body_site": "Right knee"}
    ).content.decode()
    assert str(knee.public_id) in html
    assert str(heel.public_id) not in html
    html = client.get(
        gallery_url(patient), {"capture_mode": "medical_device"}
    ).content.decode()
    assert str(heel.public_id) in html
    assert str(knee.public_id) not in html


def test_gallery_offers_and_filters_by_coded_body_site(
    nurse: User, patient: Patient
) -> None:
    left = photo(
        actor=nurse, patient=patient, body_site_code="14975008", laterality="left"
    )
    right = photo(
        actor=nurse,
        patient=patient,
        n=1,
        body_site="R forearm, ulnar side",
        body_site_code="14975008",
        laterality="right",
    )
    heel = photo(actor=nurse, patient=patient, n=2, body_site="Left heel")
    client = signed_in(nurse)
    html = client.get(gallery_url(patient)).content.decode()
    assert '<optgroup label="Coded sites">' in html
    assert '<option value="code:14975008">Forearm</option>' in html
    assert '<option value="Left heel">Left heel</option>' in html
    html = client.get(
        gallery_url(patient), {"body_site": "code:14975008"}
    ).content.decode()
    assert str(left.public_id) in html
    assert str(right.public_id) in html
    assert str(heel.public_id) not in html
    html = client.get(
        gallery_url(patient), {"body_site": "code:14975008", "laterality": "left"}
    ).content.decode()
    assert str(left.public_id) in html
    assert str(right.public_id) not in html
    events = AuditEvent.objects.count()
    refused = client.get(gallery_url(patient), {"laterality": "upside-down"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert str(left.public_id) not in refused.content.decode()  # nothing shown
    assert AuditEvent.objects.count() == events  # and nothing recorded as seen


def test_gallery_filters_by_encounter_and_date_range(
    nurse: User, patient: Patient
) -> None:
    earlier = EncounterFactory(
        patient=patient,
        ward=patient.encounters.get().ward,
        started_at=datetime(2025, 6, 1, tzinfo=UTC),
        ended_at=datetime(2025, 6, 5, tzinfo=UTC),
    )
    old = photo(
        actor=nurse,
        patient=patient,
        encounter=earlier,
        captured_at=datetime(2025, 6, 2, 1, tzinfo=UTC),
    )
    new = photo(actor=nurse, patient=patient, n=1)
    client = signed_in(nurse)
    html = client.get(
        gallery_url(patient), {"encounter": earlier.public_id}
    ).content.decode()
    assert str(old.public_id) in html
    assert str(new.public_id) not in html
    dates = {"captured_from": "2025-06-01", "captured_to": "2025-06-30"}
    html = client.get(gallery_url(patient), dates).content.decode()
    assert str(old.public_id) in html
    assert str(new.public_id) not in html


def test_gallery_pages_older_images_by_keyset_without_repeats(
    nurse: User, patient: Patient, settings: Any
) -> None:
    shown = photos(actor=nurse, patient=patient, count=5)
    page = gallery.gallery_page(nurse, patient, gallery.GalleryFilters(), size=2)
    seen = [i.public_id for i in page.images]
    while page.next_cursor:
        page = gallery.gallery_page(
            nurse, patient, gallery.GalleryFilters(), after=page.next_cursor, size=2
        )
        seen += [i.public_id for i in page.images]
    newest_first = sorted(shown, key=lambda i: i.captured_at, reverse=True)
    assert seen == [i.public_id for i in newest_first]


def test_gallery_older_link_carries_the_filters(nurse: User, patient: Patient) -> None:
    photos(actor=nurse, patient=patient, count=50, body_site="Sacrum")
    html = (
        signed_in(nurse)
        .get(gallery_url(patient), {"body_site": "Sacrum"})
        .content.decode()
    )
    assert "body_site=Sacrum&amp;after=" in html


def test_image_page_shows_provenance_consent_hash_and_retention(
    nurse: User, shown_photo: ClinicalImage
) -> None:
    url = reverse("imaging:image-detail", args=[shown_photo.public_id])
    html = signed_in(nurse).get(url).content.decode()
    assert shown_photo.sha256 in html
    assert "Personal mobile device" in html
    assert "Verbal" in html
    assert "Keep until" in html
    assert "Access history" not in html
    event = AuditEvent.objects.filter(action="view").get()
    assert event.object_id == str(shown_photo.public_id)


def test_image_page_shows_the_coded_body_site_its_snomed_code_side_and_view(
    nurse: User, patient: Patient
) -> None:
    knee = photo(
        actor=nurse,
        patient=patient,
        body_site_code="72696002",
        laterality="right",
        view="anterior",
    )
    url = reverse("imaging:image-detail", args=[knee.public_id])
    html = signed_in(nurse).get(url).content.decode()
    assert "Right knee region" in html
    assert "Knee region (SNOMED CT <code>72696002</code>)" in html
    assert "<dt>Side</dt><dd>Right</dd>" in html
    assert "<dt>View</dt><dd>Front (anterior)</dd>" in html


def test_records_manager_sees_the_images_access_history(
    nurse: User, records_manager: User, shown_photo: ClinicalImage
) -> None:
    url = reverse("imaging:image-detail", args=[shown_photo.public_id])
    signed_in(nurse).get(url)
    html = signed_in(records_manager).get(url).content.decode()
    assert "Access history" in html
    assert "nurse" in html


def test_image_page_says_when_an_image_is_under_legal_hold(
    nurse: User, records_manager: User, shown_photo: ClinicalImage
) -> None:
    from legal.holds import place_legal_hold

    place_legal_hold(actor=records_manager, reason="Complaint", images=[shown_photo])
    url = reverse("imaging:image-detail", args=[shown_photo.public_id])
    assert "Under legal hold" in signed_in(nurse).get(url).content.decode()


def test_original_download_is_the_exact_bytes_and_is_audited(
    nurse: User, patient: Patient
) -> None:
    data = jpeg_bytes(color="teal")
    image = photo(actor=nurse, patient=patient, data=data)
    response = signed_in(nurse).get(
        reverse("imaging:image-original", args=[image.public_id])
    )
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="download", object_id=str(image.public_id)
    ).exists()


def test_thumbnail_bytes_are_served_hardened_and_not_audited_one_by_one(
    nurse: User, shown_photo: ClinicalImage
) -> None:
    client = signed_in(nurse)
    before = AuditEvent.objects.count()
    url = reverse("imaging:image-thumbnail", args=[shown_photo.public_id])
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content[:2] == b"\xff\xd8"
    assert AuditEvent.objects.count() == before


def test_outsider_gets_404_for_the_gallery_and_leaves_no_trace(
    outsider: User, patient: Patient, shown_photo: ClinicalImage
) -> None:
    client = signed_in(outsider)
    before = AuditEvent.objects.count()
    assert client.get(gallery_url(patient)).status_code == 404
    url = reverse("imaging:image-detail", args=[shown_photo.public_id])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("count", [5, 50])
def test_gallery_query_count_does_not_grow_with_the_images_shown(
    nurse: User, patient: Patient, count: int, django_assert_max_num_queries: Any
) -> None:
    photos(actor=nurse, patient=patient, count=count)
    client = signed_in(nurse)
    # The bound is the same for 5 and 50 images: no query per image (the audit append,
    # session and permission lookups make up the fixed part).
    with django_assert_max_num_queries(24):
        response = client.get(gallery_url(patient))
    assert response.status_code == 200
    event = AuditEvent.objects.last()
    assert event is not None
    assert len(event.detail["images"]) == min(count, 48)


def test_legal_officers_find_demographics_without_a_link_to_the_record(
    legal_officer: User, patient: Patient
) -> None:
    response = signed_in(legal_officer).get(
        reverse("records:patient-search"), {"q": "Citizen"}
    )
    html = response.content.decode()
    assert "CITIZEN, Jane" in html
    assert gallery_url(patient) not in html
    assert AuditEvent.objects.filter(action="search").exists()


def test_a_search_without_criteria_asks_for_one_and_records_nothing(
    nurse: User,
) -> None:
    client = signed_in(nurse)
    before = AuditEvent.objects.count()
    response = client.get(reverse("records:patient-search"), {"q": " "})
    assert "Enter an MRN, a name or a date of birth" in response.content.decode()
    assert AuditEvent.objects.count() == before
