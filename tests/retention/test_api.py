"""Retention as a service: GET /api/retention-rules/ and /api/retention/preview/."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from imaging.models import ClinicalImage
from tests.conftest import _api_client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("schedule_presets")]


@pytest.fixture
def manager_api(records_manager: User) -> Any:
    return _api_client_for(records_manager)


def test_a_records_manager_lists_the_rules_with_their_sources(manager_api: Any) -> None:
    response = manager_api.get(
        "/api/retention-rules/", {"jurisdiction": "NSW", "sector": "public"}
    )
    assert response.status_code == 200
    rules = response.json()
    assert {r["record_class"] for r in rules} >= {"admitted", "genetic", "abuse"}
    admitted = next(r for r in rules if r["record_class"] == "admitted")
    assert admitted["class_ref"] == "1.1.1"
    assert admitted["instrument"].startswith("General Retention and Disposal Authority")
    assert admitted["needs_verification"] is True
    assert (admitted["trigger"], admitted["years"]) == ("last_service", 30)
    assert {"applies_to", "citation", "jurisdiction", "sector"} <= admitted.keys()


def test_the_preview_answers_for_a_15_year_old_seen_last_in_2019_in_nsw(
    manager_api: Any,
) -> None:
    response = manager_api.get(
        "/api/retention/preview/",
        {
            "jurisdiction": "NSW",
            "sector": "public",
            "date_of_birth": "2004-06-01",
            "first_service": "2019-06-01",
            "last_service": "2019-06-01",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["retain_until"] == "2049-06-01"
    assert "GDA17 1.1.1" in body["basis"]
    assert body["rules"][0]["class_ref"] == "1.1.1"


def test_an_unknown_date_of_birth_keeps_the_record(manager_api: Any) -> None:
    body = manager_api.get(
        "/api/retention/preview/",
        {"jurisdiction": "QLD", "sector": "public", "last_service": "2019-06-01"},
    ).json()
    assert body["retain_until"] is None
    assert "date of birth unknown" in body["basis"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"jurisdiction": "XX", "sector": "public"}, "jurisdiction"),
        (
            {"jurisdiction": "NSW", "sector": "public", "record_class": "x"},
            "record_class",
        ),
        (
            {"jurisdiction": "NSW", "sector": "public", "last_service": "1/2/19"},
            "last_service",
        ),
    ],
)
def test_a_bad_preview_query_gets_a_clear_400(
    manager_api: Any, query: dict[str, str], field: str
) -> None:
    response = manager_api.get("/api/retention/preview/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_nurse_cannot_read_the_rules_or_preview(nurse_api: Any) -> None:
    assert nurse_api.get("/api/retention-rules/").status_code == 403
    query = {"jurisdiction": "NSW", "sector": "public"}
    assert nurse_api.get("/api/retention/preview/", query).status_code == 403


def test_the_image_api_shows_the_record_class(
    nurse_api: Any, wound_photo: ClinicalImage
) -> None:
    body = nurse_api.get(f"/api/images/{wound_photo.public_id}/").json()
    assert body["record_class"] == "admitted"
