"""Media read and search: what the EMR shows of a photo, paging, filters and the audit."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.interop.fhir_support import fhir_client, outcome, valid_r4

pytestmark = pytest.mark.django_db
# 23:30 UTC on 4 January is 10:30 on 5 January in Sydney (AEDT, +1100).
TAKEN_AT = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)


@pytest.fixture
def coded_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        captured_at=TAKEN_AT,
        body_site_code="14975008",
        laterality="left",
        view="close-up",
        device="iPhone 15",
        note="Skin tear, day 3",
        encounter=patient.encounters.get(),
    )


def test_a_media_carries_the_photo_its_provenance_and_its_binary(
    nurse: User, patient: Patient, coded_photo: ClinicalImage
) -> None:
    response = fhir_client(nurse).get(f"/fhir/Media/{coded_photo.public_id}")

    assert response.status_code == 200
    media = valid_r4(response.json())
    assert media["id"] == str(coded_photo.public_id)
    assert media["status"] == "completed"
    assert media["type"]["coding"][0]["code"] == "image"
    assert media["subject"]["reference"] == f"Patient/{patient.public_id}"
    assert media["encounter"]["display"].startswith("Ward 5A Surgical")
    assert datetime.fromisoformat(media["createdDateTime"]) == TAKEN_AT
    assert media["operator"]["display"] == nurse.get_full_name()
    site = media["bodySite"]
    assert site["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "14975008:272741003=7771000",
        "display": "Left forearm",
    }
    assert site["text"] == "Left forearm"
    assert media["view"]["text"] == "Close-up"
    assert media["device"]["display"] == "iPhone 15"
    assert (media["width"], media["height"]) == (640, 480)
    assert media["note"] == [{"text": "Skin tear, day 3"}]
    content = media["content"]
    assert content["contentType"] == "image/jpeg"
    assert content["size"] == coded_photo.size_bytes
    assert content["url"] == f"http://testserver/fhir/Binary/{coded_photo.public_id}"
    assert datetime.fromisoformat(content["creation"]) == TAKEN_AT
    assert content["title"].startswith("Left forearm")
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.object_id) == (nurse, str(coded_photo.public_id))
    assert event.detail["what"] == "metadata"


def test_an_uncoded_photo_has_its_words_and_no_empty_elements(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    media = fhir_client(nurse).get(f"/fhir/Media/{wound_photo.public_id}").json()

    valid_r4(media)
    assert media["bodySite"] == {"text": "Left forearm"}
    assert not {"device", "note", "view", "encounter"} & set(media)


def test_an_outsider_gets_404_for_a_photo_and_leaves_no_trace(
    outsider: User, wound_photo: ClinicalImage
) -> None:
    client = fhir_client(outsider)

    outcome(client.get(f"/fhir/Media/{wound_photo.public_id}"), 404)
    search = client.get("/fhir/Media", {"patient": str(wound_photo.patient.public_id)})
    outcome(search, 404)
    assert not AuditEvent.objects.filter(actor=outsider).exists()


def _page(client: Any, url: str, **query: str) -> dict[str, Any]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return valid_r4(response.json())


def _next(bundle: dict[str, Any]) -> str | None:
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    return links.get("next")


def test_paging_over_120_photos_gives_each_once_newest_first(
    nurse: User, patient: Patient
) -> None:
    images = [
        capture(
            actor=nurse,
            patient=patient,
            data=jpeg_bytes(size=(8 + i, 8)),
            captured_at=TAKEN_AT - timedelta(minutes=i),
        )
        for i in range(120)
    ]
    client = fhir_client(nurse)
    bundle = _page(client, "/fhir/Media", patient=str(patient.public_id), _count="50")
    pages = [bundle]
    while url := _next(bundle):
        assert url.startswith("http://testserver/fhir/Media?")
        bundle = _page(client, url)
        pages.append(bundle)

    assert [len(page["entry"]) for page in pages] == [50, 50, 20]
    assert {page["total"] for page in pages} == {120}
    seen = [entry["resource"]["id"] for page in pages for entry in page["entry"]]
    assert seen == [str(image.public_id) for image in images]
    galleries = AuditEvent.objects.filter(action="view_gallery").order_by("sequence")
    assert [len(event.detail["images"]) for event in galleries] == [50, 50, 20]
    assert galleries[2].detail["images"] == seen[100:]


def test_subject_and_created_narrow_the_search(nurse: User, patient: Patient) -> None:
    for day in (3, 5, 7):
        capture(
            actor=nurse,
            patient=patient,
            data=jpeg_bytes(size=(10 + day, 10)),
            captured_at=datetime(2026, 1, day, 1, 0, tzinfo=UTC),
        )
    client = fhir_client(nurse)

    bundle = _page(
        client,
        "/fhir/Media",
        subject=f"Patient/{patient.public_id}",
        created=["ge2026-01-04", "le2026-01-06"],  # type: ignore[arg-type]
    )

    assert bundle["total"] == 1
    (entry,) = bundle["entry"]
    assert entry["resource"]["createdDateTime"].startswith("2026-01-05T01:00")
    later = _page(
        client,
        "/fhir/Media",
        patient=str(patient.public_id),
        created="gt2026-01-05T01:00:00+00:00",
    )
    assert later["total"] == 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"patient": "not-an-id"},
        {"_count": "0"},
        {"_count": "500"},
        {"created": "sometime"},
        {"created": "ne2026-01-05"},
        {"_sort": "created"},
        {"_cursor": "forged"},
    ],
)
def test_bad_search_parameters_are_a_400_that_claims_no_view(
    nurse: User, wound_photo: ClinicalImage, query: dict[str, str]
) -> None:
    if query:
        query.setdefault("patient", str(wound_photo.patient.public_id))
    response = fhir_client(nurse).get("/fhir/Media", query)

    outcome(response, 400)
    assert not AuditEvent.objects.filter(action__startswith="view").exists()
