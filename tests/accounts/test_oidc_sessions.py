"""Leavers, outages and the sign-in page: what the provider's answers do to sessions."""

import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_tokens import issue_api_token
from accounts.models import ApiToken, ProviderIdentity
from accounts.oidc import forget_provider
from accounts.roles import Role
from audit.models import AuditEvent
from tests.accounts.oidc_flow import Browser
from tests.factories import PASSWORD, UserFactory
from tests.oidc_provider import Provider

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def browser(client: Client, oidc: Provider) -> Browser:
    return Browser(client=client, provider=oidc)


def _later(minutes: int) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True)


def _busy(client: Client, minutes: int) -> None:
    """Use Custodian at that time (sessions idle out after 15 minutes without use)."""
    with _later(minutes):
        assert client.get("/").status_code == 200


def test_a_leaver_disabled_at_the_provider_loses_session_and_api_tokens(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("lee.leaver", roles=["nurse"])
    assert browser.sign_in("lee.leaver").status_code == 302
    user = User.objects.get(username="lee.leaver")
    _, key = issue_api_token(user=user, device="Phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/patients/").status_code == 200
    oidc.control("disable", username="lee.leaver")

    # Within the renewal window the session stands; after it, the provider is asked.
    _busy(browser.client, 10)
    with _later(16):
        answer = browser.client.get("/")

    assert answer.status_code == 302
    assert urlsplit(answer["Location"]).path == "/accounts/login/"
    assert browser.client.get("/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert api.get("/api/patients/").status_code == 401
    ended = AuditEvent.objects.get(action=Action.OIDC_SESSION_ENDED)
    assert ended.detail["subject"] == "sub-lee.leaver"
    assert ended.detail["account_disabled"] is True


def test_a_returning_user_enabled_again_at_the_provider_signs_in_again(
    client: Client, oidc: Provider
) -> None:
    oidc.add_user("lee.leaver", roles=["nurse"])
    Browser(client, oidc).sign_in("lee.leaver")
    _busy(client, 10)
    oidc.control("disable", username="lee.leaver")
    with _later(16):
        client.get("/")
    assert not User.objects.get(username="lee.leaver").is_active

    oidc.add_user("lee.leaver", roles=["nurse"])
    answer = Browser(client, oidc).sign_in("lee.leaver")

    assert answer.status_code == 302
    assert User.objects.get(username="lee.leaver").is_active
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_ACTIVATED).count() == 1


def test_an_account_an_administrator_disabled_stays_disabled(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    browser.sign_in("amy.nurse")
    browser.client.post("/accounts/logout/")
    _, key = issue_api_token(
        user=User.objects.get(username="amy.nurse"), device="Phone"
    )
    User.objects.filter(username="amy.nurse").update(is_active=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # A deactivated user's API token stops working at once.
    assert api.get("/api/patients/").status_code == 401
    before = AuditEvent.objects.count()

    answer = Browser(Client(), oidc).sign_in("amy.nurse")

    assert answer.status_code == 403
    assert not User.objects.get(username="amy.nurse").is_active
    new = AuditEvent.objects.filter(sequence__gt=before)
    assert list(new.values_list("reason", flat=True)) == ["disabled"]


def test_without_a_refresh_token_the_session_is_checked_silently_with_prompt_none(
    browser: Browser, oidc: Provider
) -> None:
    oidc.control("refresh_tokens", on=False)
    oidc.add_user("amy.nurse", roles=["nurse"])
    browser.sign_in("amy.nurse")
    _busy(browser.client, 10)

    oidc.control("clock", offset=16 * 60)
    with _later(16):
        # Still signed in at the provider: the check passes without a word to the user.
        check = browser.client.get("/patients/")
        assert check.status_code == 302
        at_provider = browser.follow_at_provider(browser.start_from(check))
        assert "prompt" not in parse_qs(urlsplit(at_provider).query)
        back = browser.come_back(at_provider)
        assert back.status_code == 302
        assert back["Location"] == "/patients/"
        assert browser.client.get("/").status_code == 200

    # Disabled at the provider: the next silent check ends the session.
    oidc.control("disable", username="amy.nurse")
    _busy(browser.client, 26)
    with _later(32):
        check = browser.client.get("/")
        refused = browser.follow_at_provider(browser.start_from(check))
        assert parse_qs(urlsplit(refused).query)["error"] == ["login_required"]
        ended = browser.come_back(refused)
    assert urlsplit(ended["Location"]).path == "/accounts/login/"
    assert browser.client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.OIDC_SESSION_ENDED).count() == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_provider_gets_a_clear_page_with_the_break_glass_hint(
    client: Client, oidc: Provider, settings: object
) -> None:
    settings.CUSTODIAN_OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"  # type: ignore[attr-defined]

    answer = client.get("/oidc/authenticate/")

    assert answer.status_code == 503
    page = answer.content.decode()
    assert "Hospital ID cannot be reached" in page
    assert "break-glass administrator" in page
    assert 'class="site-header"' in page
    assert client.get("/accounts/login/").status_code == 200
    assert not User.objects.exists()


def test_the_sign_in_page_offers_the_provider_first(
    client: Client, oidc: Provider
) -> None:
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with Hospital ID" in page
    assert page.index("Sign in with Hospital ID") < page.index('name="password"')


def test_with_local_login_off_only_break_glass_administrators_use_passwords(
    client: Client, oidc: Provider, settings: object, nurse: User
) -> None:
    settings.CUSTODIAN_LOCAL_LOGIN = False  # type: ignore[attr-defined]
    admin = UserFactory(username="break.glass", role=Role.ADMINISTRATOR)

    refused = client.post(
        "/accounts/login/", {"username": nurse.username, "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Break-glass administrator sign-in" in refused.content.decode()
    token = APIClient().post(
        "/api/token/", {"username": nurse.username, "password": PASSWORD}
    )
    assert token.status_code in (400, 401, 403)
    assert not ApiToken.objects.filter(user=nurse).exists()

    signed_in = client.post(
        "/accounts/login/", {"username": admin.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_a_local_account_with_the_same_name_is_not_taken_over(
    browser: Browser, oidc: Provider
) -> None:
    local = UserFactory(username="amy.nurse", role=Role.ADMINISTRATOR)
    oidc.add_user("amy.nurse", roles=["nurse"])

    browser.sign_in("amy.nurse")

    identity = ProviderIdentity.objects.get()
    assert identity.user != local
    assert identity.user.username.startswith("amy.nurse.")
    assert local.has_usable_password()
    assert list(local.groups.values_list("name", flat=True)) == [Role.ADMINISTRATOR]


def test_a_role_map_with_a_typo_stops_the_checks(settings: object) -> None:
    settings.CUSTODIAN_OIDC_ROLE_MAP = {"nurse": "ward-staff"}  # type: ignore[attr-defined]

    with pytest.raises(SystemCheckError, match=r"custodian\.E020.*ward-staff"):
        call_command("check")


def test_a_grave_act_asks_the_provider_for_the_credentials_again(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("rita.records", roles=["records"])
    browser.sign_in("rita.records")
    assert browser.client.get("/accounts/security/").status_code == 200

    oidc.control("clock", offset=6 * 60)
    with _later(6):
        stale = browser.client.get("/accounts/security/")
        assert urlsplit(stale["Location"]).path == "/accounts/reauth/"
        authorize_url = browser.start_from(browser.client.get(stale["Location"]))
        asked = parse_qs(urlsplit(authorize_url).query)
        assert asked["prompt"] == ["login"]
        assert asked["max_age"] == ["0"]
        # The provider shows its form although its own session is still open.
        back = browser.come_back(
            browser.sign_in_at_provider(authorize_url, "rita.records")
        )
        assert back["Location"] == "/accounts/security/"
        assert browser.client.get("/accounts/security/").status_code == 200


def test_a_session_check_during_an_outage_lets_the_session_stand(
    browser: Browser, oidc: Provider, settings: object
) -> None:
    oidc.control("refresh_tokens", on=False)
    oidc.add_user("amy.nurse", roles=["nurse"])
    browser.sign_in("amy.nurse")
    _busy(browser.client, 10)
    settings.CUSTODIAN_OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"  # type: ignore[attr-defined]
    forget_provider()

    with _later(16):
        check = browser.client.get("/patients/")
        assert urlsplit(check["Location"]).path == "/oidc/authenticate/"
        back = browser.client.get(check["Location"])
        assert back["Location"] == "/patients/"
        assert browser.client.get("/patients/").status_code == 200
    # Nowhere else: an outage is no open redirect.
    with _later(16):
        away = browser.client.get(
            "/oidc/authenticate/", {"prompt": "none", "next": "https://evil.example/"}
        )
    assert away["Location"] == "/"
    assert User.objects.get(username="amy.nurse").is_active
