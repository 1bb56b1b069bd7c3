"""A second factor for privileged roles: enrol, verify, and the API's otp field."""

import base64
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SealedTOTPDevice
from audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.security.totp import current_code
from vault.crypto import DecryptionError, unwrap_key

pytestmark = [pytest.mark.django_db, pytest.mark.mfa]


def _sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _enrol(client: Client, user: User) -> SealedTOTPDevice:
    client.get(reverse("auth:mfa-enrol"))
    device = SealedTOTPDevice.objects.get(user=user)
    response = client.post(reverse("auth:mfa-enrol"), {"code": current_code(device)})
    assert response.status_code == 302
    return device


def test_a_records_manager_must_enrol_before_any_page_works(
    client: Client, records_manager: User
) -> None:
    assert _sign_in(client, "records.manager").status_code == 302
    for path in ("/", "/admin/", "/accounts/security/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("auth:mfa-enrol"))
    page = client.get(reverse("auth:mfa-enrol")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert "Six-digit code" in page


def test_the_totp_secret_is_sealed_with_the_master_key_not_stored_in_clear(
    client: Client, records_manager: User
) -> None:
    _sign_in(client, "records.manager")
    page = client.get(reverse("auth:mfa-enrol")).content.decode()
    device = SealedTOTPDevice.objects.get(user=records_manager)
    secret = device.bin_key
    stored = bytes(device.sealed_key)
    assert secret not in stored
    assert secret.hex().encode() not in stored
    assert base64.b32encode(secret).decode() in page  # shown once, to its owner
    assert not TOTPDevice.objects.exists()
    other_master = base64.b64encode(b"x" * 32).decode()
    with pytest.raises(DecryptionError):
        unwrap_key(stored, context=device.context, master=other_master)


def test_enrolling_with_the_apps_code_opens_the_site(
    client: Client, records_manager: User
) -> None:
    _sign_in(client, "records.manager")
    device = _enrol(client, records_manager)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="mfa_enrolled", actor=records_manager
    ).exists()


def test_a_wrong_code_does_not_enrol(client: Client, records_manager: User) -> None:
    _sign_in(client, "records.manager")
    client.get(reverse("auth:mfa-enrol"))
    response = client.post(reverse("auth:mfa-enrol"), {"code": "000000"})
    assert response.status_code == 200
    assert b"did not match" in response.content
    assert not SealedTOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_next_sign_in_asks_for_the_code_and_refuses_a_wrong_one(
    records_manager: User,
) -> None:
    first = Client()
    _sign_in(first, "records.manager")
    device = _enrol(first, records_manager)
    later = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        client = Client()
        _sign_in(client, "records.manager")
        assert client.get("/")["Location"].startswith(reverse("auth:mfa-verify"))
        wrong = client.post(reverse("auth:mfa-verify"), {"code": "123456"})
        assert wrong.status_code == 200
        assert AuditEvent.objects.filter(action="mfa_failed").count() == 1
        # Straight after a failure django-otp makes the device wait (throttling).
        device.refresh_from_db()
        too_soon = {"code": current_code(device), "next": "/"}
        assert client.post(reverse("auth:mfa-verify"), too_soon).status_code == 200
    with time_machine.travel(later + timedelta(seconds=40), tick=False):
        device.refresh_from_db()
        right = client.post(
            reverse("auth:mfa-verify"), {"code": current_code(device), "next": "/"}
        )
        assert right.status_code == 302
        assert client.get("/").status_code == 200


def test_a_code_cannot_be_replayed(records_manager: User) -> None:
    client = Client()
    _sign_in(client, "records.manager")
    device = _enrol(client, records_manager)
    device.refresh_from_db()
    used = current_code(device)
    again = Client()
    _sign_in(again, "records.manager")
    assert again.post(reverse("auth:mfa-verify"), {"code": used}).status_code == 200
    assert again.get("/").status_code == 302


def test_ward_staff_sign_in_with_a_password_alone(client: Client, nurse: User) -> None:
    _sign_in(client, "nurse")
    assert client.get("/").status_code == 200


def test_an_unverified_privileged_session_cannot_use_the_api(
    client: Client, records_manager: User
) -> None:
    _sign_in(client, "records.manager")
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert "one-time code" in response.json()["detail"]


def test_the_api_token_needs_the_otp_for_privileged_roles(
    records_manager: User, nurse: User
) -> None:
    client = Client()
    _sign_in(client, "records.manager")
    device = _enrol(client, records_manager)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        api = Client()
        body = {"username": "records.manager", "password": PASSWORD}
        missing = api.post("/api/token/", body, content_type="application/json")
        assert missing.status_code == 400
        assert "otp" in missing.json()["detail"]
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        device.refresh_from_db()
        body["otp"] = current_code(device)
        issued = api.post("/api/token/", body, content_type="application/json")
        assert issued.status_code == 200
        token = issued.json()["token"]
        signed_in = Client(HTTP_AUTHORIZATION=f"Token {token}")
        assert signed_in.get("/api/schema/?format=json").status_code == 200
    plain = {"username": "nurse", "password": PASSWORD}
    assert (
        api.post("/api/token/", plain, content_type="application/json").status_code
        == 200
    )


def test_with_mfa_switched_off_for_a_demo_no_code_is_asked(
    client: Client, records_manager: User, settings: Any
) -> None:
    settings.CUSTODIAN_MFA_REQUIRED = False
    _sign_in(client, "records.manager")
    assert client.get("/").status_code == 200
