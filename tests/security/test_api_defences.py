"""The API: tokens that expire, per-user throttling, errors that reveal nothing inside."""

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# Any authenticated endpoint will do; JSON so that errors are JSON too.
SCHEMA = "/api/schema/?format=json"


def _issue(username: str) -> Any:
    return Client().post(
        "/api/token/",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )


def _with_token(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)


def test_a_token_is_issued_for_the_right_password_and_audited(nurse: User) -> None:
    response = _issue("nurse")
    assert response.status_code == 200
    token = response.json()["token"]
    assert _with_token(token).get(SCHEMA).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=nurse).count() == 1


def test_a_wrong_password_gets_no_token_and_a_plain_message(nurse: User) -> None:
    response = Client().post(
        "/api/token/",
        {"username": "nurse", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to sign in with these credentials."}
    assert not ApiToken.objects.exists()


def test_a_token_expires_after_twelve_hours(nurse: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = _issue("nurse").json()["token"]
    with time_machine.travel(start + timedelta(hours=11, minutes=59), tick=False):
        assert _with_token(token).get(SCHEMA).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = _with_token(token).get(SCHEMA)
    assert response.status_code == 401
    assert json.loads(response.content) == {
        "detail": "This token has expired: request a new one."
    }


def test_a_disabled_users_token_stops_working(nurse: User) -> None:
    token = _issue("nurse").json()["token"]
    nurse.is_active = False
    nurse.save()
    assert _with_token(token).get(SCHEMA).status_code == 401


def test_each_user_is_throttled_on_their_own(
    nurse: User, outsider: User, settings: Any
) -> None:
    settings.CUSTODIAN_API_USER_RATE = "3/minute"
    busy = _with_token(_issue("nurse").json()["token"])
    answers = [busy.get(SCHEMA).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = json.loads(busy.get(SCHEMA).content)
    assert "throttled" in refused["detail"].lower()
    calm = _with_token(_issue("outsider").json()["token"])
    assert calm.get(SCHEMA).status_code == 200


def test_tests_and_deployments_run_without_debug_pages() -> None:
    assert settings.DEBUG is False


@pytest.mark.urls("tests.security.leaky_urls")
def test_an_unexpected_error_answers_json_without_a_stack_trace(nurse: User) -> None:
    client = _with_token(_issue("nurse").json()["token"])
    response = client.get("/api/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert response.json() == {
        "detail": "Something went wrong on our side. Nothing was changed; try again."
    }
    for leak in ("Traceback", "RuntimeError", "/srv/", "settings.py", "line 42"):
        assert leak not in body


def test_field_errors_come_with_a_detail(nurse: User) -> None:
    response = Client().post(
        "/api/token/", {"username": "nurse"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert (
        body["detail"] == "Some fields are not valid; see the messages for each field."
    )
    assert body["password"] == ["This field is required."]


def test_list_pages_have_a_fixed_size_the_client_cannot_raise() -> None:
    from django.utils.module_loading import import_string

    api = settings.REST_FRAMEWORK
    paginator = import_string(api["DEFAULT_PAGINATION_CLASS"])
    assert api["PAGE_SIZE"] <= 100
    assert getattr(paginator, "page_size_query_param", None) is None
    assert getattr(paginator, "max_page_size", None) in (None, 100) or (
        paginator.max_page_size <= 100
    )
