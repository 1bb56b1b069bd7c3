"""Administrators unlock sign-in from /admin/, on the audit trail; nobody else can."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.lockout import unlock_sign_in
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
CHANGELIST = reverse("admin:axes_accessattempt_changelist")


def _login(client: Client, password: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": "nurse", "password": password},
        REMOTE_ADDR=ATTACKER,
    )


@pytest.fixture
def locked_nurse(nurse: User) -> User:
    for _ in range(5):
        _login(Client(), "wrong-password")
    assert _login(Client(), PASSWORD).status_code == 403
    return nurse


def _unlock_all(client: Client) -> Any:
    chosen = list(AccessAttempt.objects.values_list("pk", flat=True))
    return client.post(
        CHANGELIST, {"action": "unlock", "_selected_action": chosen}, follow=True
    )


def test_an_administrator_sees_the_locks_and_unlocks_on_the_trail(
    locked_nurse: User, administrator: User
) -> None:
    client = Client()
    client.force_login(administrator)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert ATTACKER in page.content.decode()

    assert _unlock_all(client).status_code == 200
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="sign_in_unlocked")
    assert event.actor == administrator
    assert event.detail == {"username": "nurse", "ip_address": ATTACKER}
    assert _login(Client(), PASSWORD).status_code == 302


def test_deleting_one_lock_in_the_admin_is_audited_too(
    locked_nurse: User, administrator: User
) -> None:
    client = Client()
    client.force_login(administrator)
    attempt = AccessAttempt.objects.get()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="sign_in_unlocked").count() == 1


def test_a_nurse_cannot_unlock_and_nothing_is_written(locked_nurse: User) -> None:
    client = Client()
    client.force_login(locked_nurse)
    assert client.get(CHANGELIST).status_code != 200
    _unlock_all(client)
    assert AccessAttempt.objects.count() == 1
    assert not AuditEvent.objects.filter(action="sign_in_unlocked").exists()

    with pytest.raises(PermissionDenied):
        unlock_sign_in(actor=locked_nurse, attempts=AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 1
    assert not AuditEvent.objects.filter(action="sign_in_unlocked").exists()


def test_staff_without_the_administrator_role_are_refused(
    locked_nurse: User, records_manager: User
) -> None:
    records_manager.is_staff = True
    records_manager.save()
    client = Client()
    client.force_login(records_manager)
    assert client.get(CHANGELIST).status_code == 403
    _unlock_all(client)
    assert AccessAttempt.objects.count() == 1
    assert not AuditEvent.objects.filter(action="sign_in_unlocked").exists()
