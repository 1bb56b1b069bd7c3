"""Signing in with the hospital's identity provider: a real provider process over HTTP."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import ProviderIdentity
from accounts.roles import Role
from audit.models import AuditEvent
from records.models import FacilityAssignment, StaffMembership, Ward
from tests.accounts.oidc_flow import Browser
from tests.factories import FacilityFactory, WardFactory
from tests.oidc_provider import Provider

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def ward_4a() -> Ward:
    return WardFactory(facility=FacilityFactory(code="RHH"), code="4A")


@pytest.fixture
def ward_5b(ward_4a: Ward) -> Ward:
    return WardFactory(facility=ward_4a.facility, code="5B")


@pytest.fixture
def browser(client: Client, oidc: Provider) -> Browser:
    return Browser(client=client, provider=oidc)


def _actions() -> list[str]:
    return list(
        AuditEvent.objects.order_by("sequence").values_list("action", flat=True)
    )


def test_a_nurse_signs_in_with_the_provider_and_lands_on_her_ward(
    browser: Browser, oidc: Provider, ward_4a: Ward
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"], wards=["RHH/4A"])

    authorize_url = browser.start()
    asked = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["code_challenge"]) == 43
    assert asked["state"]
    assert asked["nonce"]
    answer = browser.come_back(browser.sign_in_at_provider(authorize_url, "amy.nurse"))

    assert answer.status_code == 302
    home = browser.client.get(answer["Location"])
    assert home.status_code == 200
    user = User.objects.get(username="amy.nurse")
    assert home.wsgi_request.user == user
    assert not user.has_usable_password()
    assert (user.first_name, user.email) == ("Amy", "amy.nurse@hospital.example")
    assert list(user.groups.values_list("name", flat=True)) == [Role.WARD_STAFF]
    assert [m.ward for m in StaffMembership.objects.filter(user=user)] == [ward_4a]
    identity = ProviderIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc.issuer, "sub-amy.nurse")
    signed_in = AuditEvent.objects.get(action=Action.OIDC_SIGNED_IN)
    assert signed_in.detail["method"] == "oidc"
    assert signed_in.detail["issuer"] == oidc.issuer
    assert signed_in.detail["subject"] == "sub-amy.nurse"
    assert {
        Action.OIDC_ACCOUNT_CREATED,
        Action.MEMBERSHIP_GRANTED,
        Action.LOGIN,
    } <= set(_actions())


def test_claims_that_change_between_sign_ins_change_roles_and_wards(
    client: Client, oidc: Provider, ward_4a: Ward, ward_5b: Ward
) -> None:
    oidc.add_user("sam.staff", roles=["nurse"], wards=["RHH/4A"])
    assert Browser(client, oidc).sign_in("sam.staff").status_code == 302
    client.post("/accounts/logout/")

    # Promoted at the provider: records manager for the facility, moved to ward 5B.
    oidc.add_user("sam.staff", roles=["records"], wards=["RHH/5B", "RHH"])
    assert Browser(client, oidc).sign_in("sam.staff").status_code == 302

    user = User.objects.get(username="sam.staff")
    assert list(user.groups.values_list("name", flat=True)) == [Role.RECORDS_MANAGER]
    assert [m.ward for m in StaffMembership.objects.filter(user=user)] == [ward_5b]
    assert [a.facility.code for a in FacilityAssignment.objects.filter(user=user)] == [
        "RHH"
    ]
    change = AuditEvent.objects.filter(action=Action.ROLES_CHANGED).last()
    assert change is not None
    assert change.detail["added"] == [Role.RECORDS_MANAGER]
    assert change.detail["removed"] == [Role.WARD_STAFF]
    assert change.detail["method"] == "oidc"
    revoked = AuditEvent.objects.get(action=Action.MEMBERSHIP_REVOKED)
    assert revoked.detail["subject"] == "sub-sam.staff"
    assert ProviderIdentity.objects.count() == 1


def test_an_unknown_ward_code_is_reported_not_dropped(
    browser: Browser, oidc: Provider, ward_4a: Ward
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"], wards=["RHH/4A", "RHH/9Z"])

    answer = browser.sign_in("amy.nurse")

    home = browser.client.get(answer["Location"])
    assert "RHH/9Z" in home.content.decode()
    reported = AuditEvent.objects.get(action=Action.OIDC_UNKNOWN_WARD)
    assert reported.detail["code"] == "RHH/9Z"
    user = User.objects.get(username="amy.nurse")
    assert [m.ward for m in StaffMembership.objects.filter(user=user)] == [ward_4a]


def _assert_refused_and_nothing_made(answer: Any, reason: str) -> None:
    assert answer.status_code == 403
    assert "Sign-in refused" in answer.content.decode()
    assert not User.objects.exists()
    assert not ProviderIdentity.objects.exists()
    assert not StaffMembership.objects.exists()
    assert _actions() == [Action.OIDC_REFUSED]
    refusal = AuditEvent.objects.get()
    assert refusal.reason == reason
    assert refusal.detail["method"] == "oidc"
    assert "_auth_user_id" not in answer.wsgi_request.session


def test_claims_that_map_to_no_role_are_refused_with_a_clear_page(
    browser: Browser, oidc: Provider, ward_4a: Ward
) -> None:
    oidc.add_user("pat.porter", roles=["catering"], wards=["RHH/4A"])

    answer = browser.sign_in("pat.porter")

    _assert_refused_and_nothing_made(answer, "no_role")
    assert "no Custodian role" in answer.content.decode()


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ({"aud": "another-app"}, "audience"),
        ({"exp_offset": -3600}, "expired"),
        ({"sign_with_stranger": True}, "signature"),
        ({"iss": "http://127.0.0.1:1/"}, "issuer"),
        ({"nonce": "replayed-from-another-sign-in"}, "nonce"),
    ],
)
def test_an_untrustworthy_id_token_is_refused_and_leaves_no_account(
    browser: Browser, oidc: Provider, forgery: dict[str, Any], reason: str
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    oidc.control("forge", **forgery)

    answer = browser.sign_in("amy.nurse")

    _assert_refused_and_nothing_made(answer, reason)


def test_a_forged_state_is_refused(browser: Browser, oidc: Provider) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    real = browser.sign_in_at_provider(browser.start(), "amy.nurse")
    code = parse_qs(urlsplit(real).query)["code"][0]

    answer = browser.client.get("/oidc/callback/", {"code": code, "state": "forged"})

    _assert_refused_and_nothing_made(answer, "state")


def test_a_replayed_callback_signs_nobody_in(browser: Browser, oidc: Provider) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    callback = browser.sign_in_at_provider(browser.start(), "amy.nurse")
    assert browser.come_back(callback).status_code == 302
    browser.client.post("/accounts/logout/")
    before = AuditEvent.objects.count()

    again = browser.come_back(callback)

    assert again.status_code == 403
    assert "_auth_user_id" not in again.wsgi_request.session
    assert list(
        AuditEvent.objects.filter(sequence__gt=before).values_list("reason", flat=True)
    ) == ["state"]
    assert User.objects.count() == 1


def test_a_rotated_signing_key_is_fetched_and_trusted(
    client: Client, oidc: Provider
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    assert Browser(client, oidc).sign_in("amy.nurse").status_code == 302
    client.post("/accounts/logout/")

    oidc.control("rotate")
    answer = Browser(client, oidc).sign_in("amy.nurse")

    assert answer.status_code == 302
    assert AuditEvent.objects.filter(action=Action.OIDC_SIGNED_IN).count() == 2


@pytest.mark.mfa
def test_a_privileged_role_without_the_providers_mfa_is_refused(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("rita.records", roles=["records"], amr=["pwd"])

    answer = browser.sign_in("rita.records")

    _assert_refused_and_nothing_made(answer, "no_mfa")


@pytest.mark.mfa
def test_the_providers_mfa_stands_in_for_the_local_code(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("rita.records", roles=["records"], amr=["pwd", "mfa"])

    answer = browser.sign_in("rita.records", next_path="/")

    assert answer.status_code == 302
    home = browser.client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.username == "rita.records"


def test_signing_out_signs_out_at_the_provider_too(
    browser: Browser, oidc: Provider
) -> None:
    oidc.add_user("amy.nurse", roles=["nurse"])
    browser.sign_in("amy.nurse")

    answer = browser.client.post("/accounts/logout/")

    assert answer.status_code == 302
    end_session = answer["Location"]
    assert end_session.startswith(f"{oidc.issuer}/end_session?")
    back = browser.follow_at_provider(end_session)
    assert urlsplit(back).path == "/accounts/login/"
    told = oidc.log()["end_session"]
    assert len(told) == 1
    assert told[0]["id_token_hint"]
    assert browser.client.get("/").status_code == 302
    # The provider's own session ended too: a silent sign-in is no longer possible.
    silent = browser.follow_at_provider(
        browser.start().replace("/authorize?", "/authorize?prompt=none&")
    )
    assert parse_qs(urlsplit(silent).query)["error"] == ["login_required"]
