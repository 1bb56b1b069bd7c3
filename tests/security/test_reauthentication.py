"""Grave acts ask for the password again when the last proof is more than 5 minutes old."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROTECTED = "/accounts/security/"


def _sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_fresh_sign_in_counts_as_recent(client: Client, nurse: User) -> None:
    _sign_in(client, "nurse")
    assert client.get(PROTECTED).status_code == 200


def test_after_five_minutes_the_password_is_asked_again_and_brings_you_back(
    client: Client, nurse: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = client.get(PROTECTED)
        assert response.status_code == 302
        assert (
            response["Location"]
            == f"{reverse('auth:reauth')}?next=%2Faccounts%2Fsecurity%2F"
        )
        form = client.get(response["Location"])
        assert b"Confirm it is you" in form.content
        done = client.post(
            reverse("auth:reauth"), {"password": PASSWORD, "next": PROTECTED}
        )
        assert done["Location"] == PROTECTED
        assert client.get(PROTECTED).status_code == 200
    assert AuditEvent.objects.filter(action="reauthenticated", actor=nurse).count() == 1


def test_a_wrong_password_on_the_reauth_page_is_refused(
    client: Client, nurse: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        wrong = client.post(reverse("auth:reauth"), {"password": "nope", "next": "/"})
        assert wrong.status_code == 200
        assert b"did not match" in wrong.content
        assert client.get(PROTECTED).status_code == 302
    assert not AuditEvent.objects.filter(action="reauthenticated").exists()


def test_the_reauth_page_never_sends_you_off_site(client: Client, nurse: User) -> None:
    _sign_in(client, "nurse")
    done = client.post(
        reverse("auth:reauth"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert done["Location"] == "/"


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(PROTECTED)
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.urls("tests.security.leaky_urls")
def test_an_api_grave_act_needs_a_token_issued_in_the_last_five_minutes(
    nurse: User,
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = Client().post(
            "/api/token/",
            {"username": "nurse", "password": PASSWORD},
            content_type="application/json",
        )
    api = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert api.post("/api/grave-act/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        refused = api.post("/api/grave-act/")
    assert refused.status_code == 403
    assert "new token" in refused.json()["detail"]


@pytest.mark.urls("tests.security.leaky_urls")
def test_an_api_grave_act_in_a_browser_session_follows_the_reauth_page(
    client: Client, nurse: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert client.post("/api/grave-act/").status_code == 403
        client.post(reverse("auth:reauth"), {"password": PASSWORD})
        assert client.post("/api/grave-act/").status_code == 200
