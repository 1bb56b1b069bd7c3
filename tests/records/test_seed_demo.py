"""seed_demo makes realistic demo data, only on a demo machine, and is idempotent."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

import demo.records as demo
from accounts.roles import Role, has_role
from audit.models import AuditEvent
from audit.verification import verify_chain
from imaging.models import ClinicalImage, Derivative
from records.models import Encounter, Facility, Patient, StaffMembership, Ward

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "ward.nurse": Role.WARD_STAFF,
    "records.manager": Role.RECORDS_MANAGER,
    "records.manager2": Role.RECORDS_MANAGER,
    "legal.officer": Role.LEGAL,
    "privacy.officer": Role.PRIVACY_OFFICER,
    "admin": Role.ADMINISTRATOR,
}


def _counts() -> dict[str, int]:
    models = [
        Facility,
        Ward,
        User,
        StaffMembership,
        Patient,
        Encounter,
        ClinicalImage,
        Derivative,
        AuditEvent,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_refuses_without_debug_or_force(settings: object) -> None:
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_twice_leaves_the_same_counts(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force")
    first = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force")
    assert _counts() == first
    assert first["Facility"] == 2
    assert 45 <= first["Patient"] <= 60
    assert first["ClinicalImage"] >= 24
    assert first["Derivative"] == 2 * first["ClinicalImage"]
    # Every demo photo's page says how long it is kept and why, from the start.
    assert not ClinicalImage.objects.filter(retention_computed_at__isnull=True).exists()


def test_seed_demo_makes_the_documented_users_and_varied_data() -> None:
    call_command("seed_demo", "--force")
    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.check_password("custodian-demo"), username
        assert has_role(user, role)
    assert Facility.objects.filter(electronic_record=False).count() == 1
    assert Facility.objects.values("jurisdiction").distinct().count() == 2
    assert Patient.objects.filter(date_of_death__isnull=False).count() == 1
    assert Patient.objects.filter(date_of_birth__isnull=True).exists()
    assert {"image/jpeg", "image/png"} <= set(
        ClinicalImage.objects.values_list("content_type", flat=True)
    )
    for given, sex in (("Olivia", "female"), ("Jack", "male"), ("Priya", "female")):
        assert set(
            Patient.objects.filter(given_names=given).values_list("sex", flat=True)
        ) == {sex}, given
    nurse = User.objects.get(username="ward.nurse")
    assert ClinicalImage.objects.filter(uploaded_by=nurse).exists()
    assert (
        AuditEvent.objects.filter(action="upload").count()
        == ClinicalImage.objects.count()
    )


def test_every_demo_user_can_sign_in_to_their_home_page(client: Any) -> None:
    call_command("seed_demo", "--force")
    for username in DEMO_USERS:
        response = client.post(
            "/accounts/login/", {"username": username, "password": "custodian-demo"}
        )
        assert response.status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200
        assert "Welcome" in home.content.decode()
        client.post("/accounts/logout/")


def test_seed_demo_works_on_a_database_that_lost_its_role_groups() -> None:
    # A restored or flushed database may lack the groups the migrations made.
    Group.objects.all().delete()
    call_command("seed_demo", "--force")
    for username, role in DEMO_USERS.items():
        assert has_role(User.objects.get(username=username), role)


def test_every_demo_account_and_what_it_opens_is_on_the_audit_trail() -> None:
    call_command("seed_demo", "--force")

    def seeded(action: str) -> set[str]:
        events = AuditEvent.objects.filter(action=action, detail__source="seed_demo")
        assert not events.filter(actor__isnull=False).exists()
        return {event.detail["username"] for event in events}

    everyone = {spec.username for spec in demo.USERS}
    assert seeded("create") == everyone
    assert seeded("roles_changed") == everyone
    on_wards = set(StaffMembership.objects.values_list("user__username", flat=True))
    assert seeded("membership_granted") == on_wards
    assert "records.manager" in seeded("facility_assigned")
    assert verify_chain().ok
