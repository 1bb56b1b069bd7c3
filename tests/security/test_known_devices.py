"""Guessing one username from many addresses locks new devices, never her own (23.1)."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.lockout import KNOWN_DEVICE_COOKIE
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WARD_PC = "198.51.100.7"


def _login(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def per_username_limit(settings: Any) -> int:
    # The one-minute throttle is not under test: room for the guesses and the sign-ins.
    settings.CUSTODIAN_LOGIN_ATTEMPTS_PER_USER = 100
    settings.CUSTODIAN_LOGIN_FAILURE_LIMIT_PER_USERNAME = 8
    return 8


@pytest.fixture
def ward_pc(nurse: User) -> Client:
    """The computer the nurse signed in from at the start of her shift."""
    client = Client()
    assert _login(client, "nurse", PASSWORD, WARD_PC).status_code == 302
    client.post(reverse("logout"))
    return client


def _guess_from_many_addresses(username: str, failures: int) -> None:
    # Four per address: below the pair's limit of five, so no address is locked.
    for number in range(failures):
        _login(Client(), username, "wrong-password", f"203.0.113.{number // 4}")


def test_a_successful_sign_in_remembers_the_device(ward_pc: Client) -> None:
    assert KNOWN_DEVICE_COOKIE in ward_pc.cookies


def test_guesses_from_many_addresses_lock_new_devices_but_not_her_ward_pc(
    per_username_limit: int, ward_pc: Client
) -> None:
    _guess_from_many_addresses("nurse", per_username_limit)
    new_device = _login(Client(), "nurse", PASSWORD, "192.0.2.50")
    assert new_device.status_code == 403
    assert b"this account from new devices" in new_device.content
    refusal = AuditEvent.objects.get(action="locked_out")
    assert refusal.detail == {"username": "nurse", "scope": "new_devices"}

    assert _login(ward_pc, "nurse", PASSWORD, WARD_PC).status_code == 302
    assert AuditEvent.objects.filter(action="login").count() == 2


def test_her_known_device_is_not_locked_even_from_a_new_address(
    per_username_limit: int, ward_pc: Client
) -> None:
    _guess_from_many_addresses("nurse", per_username_limit)
    assert _login(ward_pc, "nurse", PASSWORD, "192.0.2.77").status_code == 302


def test_a_colleagues_device_or_a_forged_cookie_is_a_new_device(
    per_username_limit: int, ward_pc: Client, outsider: User
) -> None:
    colleague_pc = Client()
    assert _login(colleague_pc, outsider.username, PASSWORD, WARD_PC).status_code == 302
    colleague_pc.post(reverse("logout"))
    _guess_from_many_addresses("nurse", per_username_limit)
    assert _login(colleague_pc, "nurse", PASSWORD, WARD_PC).status_code == 403

    forged = Client()
    forged.cookies[KNOWN_DEVICE_COOKIE] = ward_pc.cookies[KNOWN_DEVICE_COOKIE].value
    forged.cookies[KNOWN_DEVICE_COOKIE] = forged.cookies[KNOWN_DEVICE_COOKIE].value[:-2]
    assert _login(forged, "nurse", PASSWORD, "192.0.2.50").status_code == 403


def test_below_the_per_username_limit_new_devices_still_sign_in(
    per_username_limit: int, nurse: User
) -> None:
    _guess_from_many_addresses("nurse", per_username_limit - 1)
    assert _login(Client(), "nurse", PASSWORD, "192.0.2.50").status_code == 302
    assert not AuditEvent.objects.filter(action="locked_out").exists()


def test_the_address_lock_says_it_is_this_account_from_this_address(
    nurse: User,
) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "nurse", "wrong-password", WARD_PC)
    locked = _login(client, "nurse", PASSWORD, WARD_PC)
    assert locked.status_code == 403
    assert b"this account from this address" in locked.content
    assert b"new devices" not in locked.content
    api = client.post(
        "/api/token/",
        {"username": "nurse", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=WARD_PC,
    )
    assert "this account from this address" in api.json()["detail"]
