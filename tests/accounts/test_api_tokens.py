"""API tokens, one per device: stored hashed, listed and revoked by their owner or admins."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/?format=json"
CHANGELIST = reverse("admin:accounts_apitoken_changelist")


def _sign_in(username: str, device: str) -> str:
    response = Client().post(
        "/api/token/",
        {"username": username, "password": PASSWORD, "device": device},
        content_type="application/json",
    )
    assert response.status_code == 200
    return str(response.json()["token"])


def _works(key: str) -> bool:
    answer = Client(HTTP_AUTHORIZATION=f"Token {key}").get(SCHEMA).status_code
    assert answer in (200, 401)
    return answer == 200


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_phones(nurse: User) -> tuple[str, str]:
    phone = Client().post(
        "/api/token/",
        {"username": "nurse", "password": PASSWORD, "device": "Ward 5 phone"},
        content_type="application/json",
    )
    tablet = Client(HTTP_USER_AGENT="CustodianCapture/2.1 (iPad)").post(
        "/api/token/",
        {"username": "nurse", "password": PASSWORD},
        content_type="application/json",
    )
    return phone.json()["token"], tablet.json()["token"]


def test_signing_in_on_a_second_device_leaves_the_first_signed_in(
    nurse: User, two_phones: tuple[str, str]
) -> None:
    phone, tablet = two_phones
    assert phone != tablet
    assert _works(phone)
    assert _works(tablet)
    devices = set(ApiToken.objects.filter(user=nurse).values_list("device", flat=True))
    assert devices == {"Ward 5 phone", "CustodianCapture/2.1 (iPad)"}
    assert AuditEvent.objects.filter(action="login", actor=nurse).count() == 2


def test_the_database_keeps_no_copy_of_the_key(
    nurse: User, two_phones: tuple[str, str]
) -> None:
    phone, _ = two_phones
    for row in ApiToken.objects.values():
        assert not any(phone in str(value) for value in row.values())
    # The first characters are kept to find the row, never enough to sign in with.
    assert not _works(phone[:15])


def test_the_owner_lists_their_devices_and_revokes_one(
    nurse: User, outsider: User, two_phones: tuple[str, str]
) -> None:
    phone, tablet = two_phones
    _sign_in("outsider", device="Outsider's phone")
    client = _web(nurse)
    page = client.get(reverse("auth:api-tokens")).content.decode()
    assert "Ward 5 phone" in page
    assert "CustodianCapture/2.1 (iPad)" in page
    assert "Outsider&#x27;s phone" not in page

    token = ApiToken.objects.get(user=nurse, device="Ward 5 phone")
    answer = client.post(reverse("auth:api-token-revoke", args=[token.public_id]))
    assert answer.status_code == 302
    assert not _works(phone)
    assert _works(tablet)
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert event.actor == nurse
    assert event.object_id == str(token.public_id)
    assert event.detail == {"username": "nurse", "device": "Ward 5 phone"}


def test_another_user_cannot_revoke_a_token_and_leaves_no_trace(
    nurse: User, outsider: User, two_phones: tuple[str, str]
) -> None:
    token = ApiToken.objects.get(user=nurse, device="Ward 5 phone")
    client = _web(outsider)
    before = AuditEvent.objects.count()
    url = reverse("auth:api-token-revoke", args=[token.public_id])
    assert client.post(url).status_code == 404
    assert _works(two_phones[0])
    assert AuditEvent.objects.count() == before


def test_an_administrator_revokes_any_users_token_on_the_trail(
    nurse: User, administrator: User, two_phones: tuple[str, str]
) -> None:
    phone, tablet = two_phones
    client = _web(administrator)
    assert "Ward 5 phone" in client.get(CHANGELIST).content.decode()
    token = ApiToken.objects.get(user=nurse, device="Ward 5 phone")
    answer = client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert answer.status_code == 302
    assert not _works(phone)
    assert _works(tablet)
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert event.actor == administrator
    assert event.detail == {"username": "nurse", "device": "Ward 5 phone"}


def test_staff_cannot_open_the_token_admin(nurse: User) -> None:
    assert _web(nurse).get(CHANGELIST).status_code == 302


def test_beyond_the_limit_the_oldest_device_is_signed_out(
    nurse: User, settings: Any
) -> None:
    settings.CUSTODIAN_API_TOKENS_PER_USER = 2
    oldest, middle, newest = (_sign_in("nurse", name) for name in ("A", "B", "C"))
    assert [_works(key) for key in (oldest, middle, newest)] == [False, True, True]
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert (event.actor, event.reason, event.detail["device"]) == (
        nurse,
        "Too many devices",
        "A",
    )
