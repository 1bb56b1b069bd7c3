"""Sign-ins, failures and lockouts land in the trail with the client's address and browser."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from audit.verification import verify_chain
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1"


def _sign_in(client: Client, password: str, **meta: str) -> None:
    client.post(
        reverse("login"),
        {"username": "nurse", "password": password},
        REMOTE_ADDR=meta.pop("ip", "203.0.113.9"),
        HTTP_USER_AGENT=BROWSER,
        **meta,
    )


def test_a_sign_in_is_recorded_with_address_and_browser(
    client: Client, nurse: User
) -> None:
    _sign_in(client, PASSWORD)
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.ip_address, event.user_agent) == (
        nurse,
        "203.0.113.9",
        BROWSER,
    )


def test_a_failed_sign_in_is_recorded_without_the_password(
    client: Client, nurse: User
) -> None:
    _sign_in(client, "not-her-password")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", BROWSER)
    assert event.detail == {"username": "nurse"}
    assert "not-her-password" not in str(event.detail)


def test_a_lockout_is_recorded_with_the_address_it_came_from(
    client: Client, nurse: User
) -> None:
    for _ in range(5):
        _sign_in(client, "guess")
    lockout = AuditEvent.objects.get(action="locked_out")
    assert lockout.detail == {"username": "nurse"}
    assert (lockout.ip_address, lockout.user_agent) == ("203.0.113.9", BROWSER)
    assert AuditEvent.objects.filter(action="login_failed").count() == 5
    assert verify_chain().ok


def test_behind_a_configured_proxy_the_client_address_is_recorded_not_the_proxys(
    client: Client, nurse: User, settings: Any
) -> None:
    # One reverse proxy (10.0.0.2) that appends the address it heard from.
    settings.CUSTODIAN_PROXY_COUNT = 1
    _sign_in(client, "guess", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
    _sign_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
    addresses = set(AuditEvent.objects.values_list("ip_address", flat=True))
    assert addresses == {"198.51.100.23"}


def test_an_ipv4_client_seen_through_ipv6_is_recorded_as_ipv4(
    client: Client, nurse: User
) -> None:
    _sign_in(client, PASSWORD, ip="::ffff:192.0.2.7")
    assert AuditEvent.objects.get(action="login").ip_address == "192.0.2.7"
    assert verify_chain().ok
