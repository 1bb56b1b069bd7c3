"""Sessions end: after idleness, after 12 hours, on browser close, and when disabled."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.api_tokens import issue_api_token
from accounts.models import ApiToken
from accounts.users import disable_account
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_signing_in_issues_a_new_session_id(client: Client, nurse: User) -> None:
    client.get(reverse("login"))
    client.session.save()
    before = client.cookies["sessionid"].value
    _sign_in(client, "nurse")
    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_cookie_ends_with_the_browser_and_hides_from_scripts(
    client: Client, nurse: User
) -> None:
    _sign_in(client, "nurse")
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_fifteen_idle_minutes_end_the_session(client: Client, nurse: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_alive_but_not_past_twelve_hours(
    client: Client, nurse: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    minute = 0
    while minute < 12 * 60 - 10:
        minute += 10
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            assert _signed_in(client), minute
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert not _signed_in(client)
        assert "_auth_user_id" not in client.session


def test_the_absolute_limit_answers_the_api_in_json(
    client: Client, nurse: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, "nurse")
    for minute in range(10, 12 * 60 + 20, 10):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Your session has ended: sign in again."}


def test_disabling_an_account_ends_its_sessions_and_tokens(
    administrator: User, nurse: User
) -> None:
    phone, desktop = Client(), Client()
    _sign_in(phone, "nurse")
    _sign_in(desktop, "nurse")
    issue_api_token(user=nurse, device="Phone")
    bystander = Client()
    bystander.force_login(administrator)
    ended = disable_account(actor=administrator, user=nurse, reason="Left the hospital")
    assert ended == 2
    assert not _signed_in(phone)
    assert not _signed_in(desktop)
    assert not ApiToken.objects.filter(user=nurse).exists()
    assert bystander.get("/").status_code == 200
    nurse.refresh_from_db()
    assert not nurse.is_active
    event = AuditEvent.objects.get(action="account_disabled")
    assert event.actor == administrator
    assert event.reason == "Left the hospital"
    assert (
        _sign_in(Client(), "nurse").status_code == 200
    )  # form shown again, no session


def test_only_an_administrator_may_disable_an_account(
    nurse: User, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        disable_account(actor=outsider, user=nurse, reason="prank")
    nurse.refresh_from_db()
    assert nurse.is_active
    assert not AuditEvent.objects.filter(action="account_disabled").exists()


def test_an_administrator_disables_an_account_from_the_admin(
    administrator: User, nurse: User, settings: Any
) -> None:
    phone = Client()
    _sign_in(phone, "nurse")
    admin = Client()
    admin.force_login(administrator)
    response = admin.post(
        "/admin/auth/user/",
        {"action": "disable_accounts", "_selected_action": [nurse.pk]},
        follow=True,
    )
    assert b"Disabled nurse: sessions ended: 1." in response.content
    assert not _signed_in(phone)
    assert AuditEvent.objects.filter(action="account_disabled").count() == 1
