"""Signing in and out, with lockout after repeated failures, all on the audit trail."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_served(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_home_requires_sign_in(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nurse_signs_in_and_sees_her_ward_and_patients(
    client: Client, nurse: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    response = _login(client, "nurse", PASSWORD)
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "Ward 5A Surgical" in page
    assert patient.mrn in page
    assert "CITIZEN, Jane" in page
    assert AuditEvent.objects.filter(action="login", actor=nurse).count() == 1


def test_a_wrong_password_is_refused_and_audited(client: Client, nurse: User) -> None:
    response = _login(client, "nurse", "wrong-password")
    assert response.status_code == 200
    assert b"did not match" in response.content
    event = AuditEvent.objects.get(action="login_failed")
    assert event.detail == {"username": "nurse"}
    assert "wrong-password" not in str(event.detail)


def test_five_failures_lock_the_account_even_with_the_right_password(
    client: Client, nurse: User
) -> None:
    for _ in range(5):
        _login(client, "nurse", "wrong-password")
    response = _login(client, "nurse", PASSWORD)
    assert response.status_code == 403
    assert b"Account locked" in response.content
    assert b"Too many failed sign-in attempts" in response.content
    assert b"this account from this address" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out").exists()


def test_four_failures_then_success_does_not_lock(client: Client, nurse: User) -> None:
    for _ in range(4):
        _login(client, "nurse", "wrong-password")
    assert _login(client, "nurse", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_sign_out_ends_the_session(client: Client, nurse: User) -> None:
    _login(client, "nurse", PASSWORD)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=nurse).exists()


def test_weak_passwords_are_rejected_by_the_validators() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("short")
    validate_password("a long passphrase for the ward PC")
