"""Guessing passwords: lockout per (username, address), rate limits, proxies."""

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


def _login(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


def _token(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post(
        "/api/token/",
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


def test_a_locked_out_user_stays_locked_on_the_form_and_the_api(
    client: Client, nurse: User
) -> None:
    for _ in range(5):
        _login(client, "nurse", "wrong-password")
    for _ in range(3):
        assert _login(client, "nurse", PASSWORD).status_code == 403
    locked = _token(client, "nurse", PASSWORD)
    assert locked.status_code == 403
    assert "locked" in locked.json()["detail"]
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out").exists()


def test_the_lock_lifts_after_the_cool_off_and_trying_meanwhile_restarts_it(
    client: Client, nurse: User
) -> None:
    for _ in range(5):
        _login(client, "nurse", "wrong-password")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert _login(client, "nurse", PASSWORD).status_code == 403
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert _login(client, "nurse", PASSWORD).status_code == 403
    with time_machine.travel(start + timedelta(minutes=62), tick=False):
        assert _login(client, "nurse", PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_nurse_out_of_her_own_address(
    nurse: User,
) -> None:
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(5):
        _login(Client(), "nurse", "wrong-password", **attacker)
    # The pair (nurse, attacker's address) is locked, even with the right password...
    assert _login(Client(), "nurse", PASSWORD, **attacker).status_code == 403
    # ...but the nurse at her own address signs in (issue 23.1: the lock was per username).
    signed_in = _login(Client(), "nurse", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert signed_in.status_code == 302


def test_one_address_guessing_many_usernames_locks_none_and_meets_the_throttle(
    nurse: User,
) -> None:
    # Was "locks the address": with the (username, address) pair an address alone no
    # longer locks; spraying usernames is slowed by the per-address throttle instead.
    for number in range(5):
        _login(Client(), f"guess{number}", "wrong-password")
    assert _login(Client(), "nurse", PASSWORD).status_code == 302


@pytest.fixture
def behind_one_proxy(settings: Any) -> None:
    settings.CUSTODIAN_PROXY_COUNT = 1


def test_behind_a_proxy_each_client_is_locked_out_on_its_own_address(
    behind_one_proxy: None, nurse: User
) -> None:
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    colleague = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(5):
        _login(Client(), "nurse", "wrong-password", **attacker)
    assert _login(Client(), "nurse", PASSWORD, **attacker).status_code == 403
    # Same proxy, different client: not caught by the attacker's lockout.
    assert _login(Client(), "nurse", PASSWORD, **colleague).status_code == 302
    failed = AuditEvent.objects.filter(action="login_failed").first()
    assert failed is not None
    assert failed.ip_address == "203.0.113.9"


def test_a_client_cannot_escape_the_lockout_by_forging_forwarded_addresses(
    behind_one_proxy: None, nurse: User
) -> None:
    for number in range(5):
        forged = {
            "REMOTE_ADDR": "10.0.0.1",
            "HTTP_X_FORWARDED_FOR": f"192.0.2.{number}, 203.0.113.9",
        }
        _login(Client(), "nurse", "wrong-password", **forged)
    again = {
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.9",
    }
    assert _login(Client(), "nurse", PASSWORD, **again).status_code == 403


def test_without_a_configured_proxy_forwarded_headers_are_ignored(nurse: User) -> None:
    for number in range(5):
        spoof = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{number}"}
        _login(Client(), "nurse", "wrong-password", **spoof)
    assert _login(Client(), "nurse", PASSWORD).status_code == 403


@pytest.fixture
def lockout_too_slow(settings: Any) -> None:
    """A lockout that has not caught up yet: what a parallel burst sees."""
    settings.AXES_FAILURE_LIMIT = 1000


def test_a_burst_against_one_account_is_throttled_even_before_lockout(
    lockout_too_slow: None, nurse: User
) -> None:
    # Frozen clock: a slow machine must not carry the burst across a window boundary.
    with time_machine.travel(timezone.now(), tick=False):
        answers = [
            _login(
                Client(), "nurse", "wrong", REMOTE_ADDR=f"198.51.100.{n}"
            ).status_code
            for n in range(15)
        ]
        refused = _login(Client(), "nurse", PASSWORD, REMOTE_ADDR="198.51.100.200")
    assert answers[:10] == [200] * 10
    assert set(answers[10:]) == {429}
    assert refused.status_code == 429
    assert b"Too many sign-in attempts" in refused.content
    assert refused["Retry-After"] == "60"
    # The throttled attempts never reached authentication, so none was recorded.
    assert AuditEvent.objects.filter(action="login_failed").count() == 10


def test_a_burst_from_one_address_across_usernames_is_throttled(
    lockout_too_slow: None, nurse: User
) -> None:
    # Frozen clock: a slow machine must not carry the burst across a window boundary.
    with time_machine.travel(timezone.now(), tick=False):
        answers = [_login(Client(), f"user{n}", "wrong").status_code for n in range(25)]
        assert answers.count(429) == 5
        token = _token(Client(), "nurse", PASSWORD)
    assert token.status_code == 429
    assert "Too many" in token.json()["detail"]


def test_the_throttle_window_passes(lockout_too_slow: None, nurse: User) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(10):
            _login(Client(), "nurse", "wrong")
        assert _login(Client(), "nurse", PASSWORD).status_code == 429
    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        assert _login(Client(), "nurse", PASSWORD).status_code == 302


def test_weak_passwords_are_refused_by_the_validators() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password123", "short1!", "123456789012", "custodian"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a long passphrase nobody guesses")
