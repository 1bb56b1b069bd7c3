"""With DEBUG off, errors answer in the site's frame with a way home; the API in JSON."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from records.models import Patient
from tests.records.browsing import signed_in


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False


def _framed(text: str) -> None:
    assert '<a class="brand" href="/">Custodian</a>' in text
    assert '<a href="/">Go to your home page</a>' in text


@pytest.mark.django_db
def test_an_unknown_page_is_a_framed_404_with_a_link_home(nurse: User) -> None:
    response = signed_in(nurse).get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    _framed(text)
    assert "Page not found" in text
    assert "Sign out" in text


@pytest.mark.django_db
def test_a_refusal_is_a_framed_403_that_says_why(nurse: User) -> None:
    response = signed_in(nurse).get("/retention/")
    assert response.status_code == 403
    text = response.content.decode()
    _framed(text)
    assert "Not allowed" in text


@pytest.mark.django_db
def test_an_unknown_api_path_keeps_answering_json(nurse: User) -> None:
    response = signed_in(nurse).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_api_record_out_of_reach_is_still_json(
    outsider: User, patient: Patient
) -> None:
    response = signed_in(outsider).get(f"/api/patients/{patient.public_id}/images/")
    assert response.status_code in (403, 404)
    assert "detail" in response.json()


# No database here: the 500 page must render even when the database is what failed.
@pytest.mark.urls("tests.config.failing_urls")
def test_a_failure_is_a_framed_500_without_the_database() -> None:
    response = Client(raise_request_exception=False).get("/failing/")
    assert response.status_code == 500
    text = response.content.decode()
    _framed(text)
    assert "Something went wrong" in text


@pytest.mark.urls("tests.config.failing_urls")
def test_a_failure_under_the_api_answers_json() -> None:
    response = Client(raise_request_exception=False).get("/api/failing/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong; try again."}


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_is_a_framed_403(nurse: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    text = response.content.decode()
    _framed(text)
    assert "Form expired" in text


def test_a_request_for_an_unknown_host_is_a_framed_400() -> None:
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    text = response.content.decode()
    _framed(text)
    assert "Request not understood" in text
