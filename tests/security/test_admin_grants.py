"""Through /admin/, every grant of access is on the audit trail, and none is self-given."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.http import HttpResponse
from django.test import Client

from accounts.grants import PATIENT_ACCESS_ROLES
from accounts.roles import Role
from audit.models import AuditEvent
from audit.verification import verify_chain
from records.models import Facility, FacilityAssignment, StaffMembership, Ward
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "You cannot give yourself access to patients"


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture(autouse=True)
def _chain_still_verifies(db: None) -> Any:
    yield
    report = verify_chain()
    assert report.ok, report.problem


@pytest.fixture
def newcomer(db: None) -> User:
    return UserFactory(username="new.nurse")


@pytest.fixture
def second_admin(db: None) -> User:
    return UserFactory(username="admin2", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(superuser: User) -> Client:
    return _client_of(superuser)


def _client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _actions_since(sequence: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(sequence__gt=sequence).values_list(
            "action", flat=True
        )
    )


def _last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def _user_form(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _change(client: Client, user: User, **changes: Any) -> HttpResponse:
    return client.post(
        f"/admin/auth/user/{user.pk}/change/", _user_form(user, **changes)
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_giving_a_user_a_role_is_an_audit_event(
    admin_client: Client, administrator: User, newcomer: User
) -> None:
    staff = Group.objects.get(name=Role.WARD_STAFF)
    response = _change(admin_client, newcomer, groups=[staff.pk])
    assert response.status_code == 302
    assert list(newcomer.groups.values_list("name", flat=True)) == [Role.WARD_STAFF]
    [event] = _events("roles_changed")
    assert event.actor == administrator
    assert (event.object_type, event.object_id) == ("auth.user", str(newcomer.pk))
    assert event.detail["added"] == [Role.WARD_STAFF]
    assert event.detail["removed"] == []
    assert event.detail["username"] == "new.nurse"


def test_taking_a_role_away_is_one_audit_event_naming_the_role(
    admin_client: Client, administrator: User
) -> None:
    nurse = UserFactory(username="leaving.nurse", role=Role.WARD_STAFF)
    since = _last_sequence()
    response = _change(admin_client, nurse, groups=[])
    assert response.status_code == 302
    assert not nurse.groups.exists()
    assert _actions_since(since) == ["roles_changed"]
    [event] = _events("roles_changed")
    assert event.actor == administrator
    assert event.object_id == str(nurse.pk)
    assert (event.detail["added"], event.detail["removed"]) == ([], [Role.WARD_STAFF])


def test_saving_a_user_unchanged_records_no_grant(
    admin_client: Client, newcomer: User
) -> None:
    since = _last_sequence()
    response = _change(admin_client, newcomer)
    assert response.status_code == 302
    assert _actions_since(since) == []


def test_creating_an_account_is_an_audit_event(
    admin_client: Client, administrator: User
) -> None:
    since = _last_sequence()
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.clerk",
            "usable_password": "true",
            "password1": "a-long-Unusual-passphrase-77",
            "password2": "a-long-Unusual-passphrase-77",
        },
    )
    assert response.status_code == 302
    clerk = User.objects.get(username="new.clerk")
    assert _actions_since(since) == ["create"]
    [event] = _events("create")
    assert event.actor == administrator
    assert (event.object_type, event.object_id) == ("auth.user", str(clerk.pk))
    assert event.detail == {"username": "new.clerk", "is_active": True}


def test_another_administrator_may_give_an_administrator_a_clinical_role(
    administrator: User, second_admin: User
) -> None:
    staff = Group.objects.get(name=Role.WARD_STAFF)
    response = _change(
        _client_of(second_admin),
        administrator,
        groups=[*_user_form(administrator)["groups"], staff.pk],
    )
    assert response.status_code == 302
    assert administrator.groups.filter(name=Role.WARD_STAFF).exists()
    [event] = _events("roles_changed")
    assert event.actor == second_admin
    assert event.object_id == str(administrator.pk)
    assert event.detail["added"] == [Role.WARD_STAFF]


@pytest.mark.parametrize("role", sorted(PATIENT_ACCESS_ROLES))
def test_an_administrator_cannot_give_themselves_a_clinical_role(
    admin_client: Client, administrator: User, role: Role
) -> None:
    group = Group.objects.get(name=role)
    since = _last_sequence()
    response = _change(
        admin_client,
        administrator,
        groups=[*_user_form(administrator)["groups"], group.pk],
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not administrator.groups.filter(name=role).exists()
    assert _actions_since(since) == []


def test_an_administrator_cannot_make_themselves_superuser(
    admin_client: Client, administrator: User
) -> None:
    _change(admin_client, administrator, is_superuser="on")
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_disabling_and_reactivating_an_account_are_audit_events(
    admin_client: Client, newcomer: User
) -> None:
    url = f"/admin/auth/user/{newcomer.pk}/change/"
    assert admin_client.post(url, _user_form(newcomer, is_active="")).status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.is_active
    [disabled] = _events("account_disabled")
    assert (disabled.actor_username, disabled.object_id) == ("admin", str(newcomer.pk))
    assert (
        admin_client.post(url, _user_form(newcomer, is_active="on")).status_code == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.is_active
    [activated] = _events("account_activated")
    assert (activated.actor_username, activated.object_id) == (
        "admin",
        str(newcomer.pk),
    )
    assert activated.detail["username"] == "new.nurse"


def test_an_administrator_cannot_disable_themselves(
    admin_client: Client, administrator: User
) -> None:
    since = _last_sequence()
    response = _change(admin_client, administrator, is_active="")
    assert response.status_code == 200
    assert "You cannot disable your own account." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    assert _actions_since(since) == []


def test_admin_site_access_given_by_an_administrator_is_an_audit_event(
    admin_client: Client, administrator: User, newcomer: User
) -> None:
    since = _last_sequence()
    response = _change(admin_client, newcomer, is_staff="on")
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    assert _actions_since(since) == ["privileges_changed"]
    [event] = _events("privileges_changed")
    assert event.actor == administrator
    assert event.object_id == str(newcomer.pk)
    assert event.detail["is_staff"] is True


def test_superuser_status_and_direct_permissions_are_one_audit_event(
    superuser_client: Client, superuser: User, newcomer: User
) -> None:
    view_patient = Permission.objects.get(
        content_type__app_label="records", codename="view_patient"
    )
    since = _last_sequence()
    response = _change(
        superuser_client,
        newcomer,
        is_superuser="on",
        user_permissions=[view_patient.pk],
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_superuser
    assert list(newcomer.user_permissions.all()) == [view_patient]
    assert _actions_since(since) == ["privileges_changed"]
    [event] = _events("privileges_changed")
    assert event.actor == superuser
    assert event.object_id == str(newcomer.pk)
    assert event.detail["is_superuser"] is True
    assert event.detail["permissions_added"] == ["records.view_patient"]
    assert event.detail["permissions_removed"] == []


def test_a_superuser_cannot_put_themselves_in_a_clinical_role_either(
    superuser_client: Client, superuser: User
) -> None:
    staff = Group.objects.get(name=Role.WARD_STAFF)
    since = _last_sequence()
    response = _change(
        superuser_client, superuser, is_superuser="on", groups=[staff.pk]
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not superuser.groups.exists()
    assert _actions_since(since) == []


def test_putting_a_user_on_a_ward_and_off_again_are_audit_events(
    admin_client: Client, administrator: User, newcomer: User, ward: Ward
) -> None:
    response = admin_client.post(
        "/admin/records/staffmembership/add/",
        {"user": newcomer.pk, "ward": ward.pk},
    )
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user=newcomer)
    [granted] = _events("membership_granted")
    assert granted.actor == administrator
    assert granted.detail == {"username": "new.nurse", "ward": str(ward)}
    response = admin_client.post(
        f"/admin/records/staffmembership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(user=newcomer).exists()
    [revoked] = _events("membership_revoked")
    assert revoked.actor == administrator
    assert revoked.detail == {"username": "new.nurse", "ward": str(ward)}


def test_removing_memberships_in_bulk_is_one_audit_event_each(
    admin_client: Client, administrator: User, ward: Ward, other_ward: Ward
) -> None:
    nurse = UserFactory(username="float.nurse")
    memberships = [
        StaffMembership.objects.create(user=nurse, ward=ward),
        StaffMembership.objects.create(user=nurse, ward=other_ward),
    ]
    since = _last_sequence()
    response = admin_client.post(
        "/admin/records/staffmembership/",
        {
            "action": "delete_selected",
            "_selected_action": [m.pk for m in memberships],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(user=nurse).exists()
    assert _actions_since(since) == ["membership_revoked", "membership_revoked"]
    revoked = _events("membership_revoked")
    assert {event.detail["ward"] for event in revoked} == {str(ward), str(other_ward)}
    assert {event.actor for event in revoked} == {administrator}


def test_another_administrator_may_put_an_administrator_on_a_ward(
    administrator: User, second_admin: User, ward: Ward
) -> None:
    response = _client_of(second_admin).post(
        "/admin/records/staffmembership/add/",
        {"user": administrator.pk, "ward": ward.pk},
    )
    assert response.status_code == 302
    assert StaffMembership.objects.filter(user=administrator, ward=ward).exists()
    [granted] = _events("membership_granted")
    assert granted.actor == second_admin
    assert granted.detail["username"] == "admin"


def test_an_administrator_cannot_put_themselves_on_a_ward(
    admin_client: Client, administrator: User, ward: Ward
) -> None:
    before = AuditEvent.objects.count()
    response = admin_client.post(
        "/admin/records/staffmembership/add/",
        {"user": administrator.pk, "ward": ward.pk},
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not StaffMembership.objects.filter(user=administrator).exists()
    assert AuditEvent.objects.count() == before


def test_facility_assignments_are_audited_and_never_self_given(
    admin_client: Client, administrator: User, newcomer: User, facility: Facility
) -> None:
    response = admin_client.post(
        "/admin/records/facilityassignment/add/",
        {"user": newcomer.pk, "facility": facility.pk},
    )
    assert response.status_code == 302
    [assigned] = _events("facility_assigned")
    assert assigned.actor == administrator
    assert assigned.detail == {"username": "new.nurse", "facility": facility.code}
    before = AuditEvent.objects.count()
    response = admin_client.post(
        "/admin/records/facilityassignment/add/",
        {"user": administrator.pk, "facility": facility.pk},
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not FacilityAssignment.objects.filter(user=administrator).exists()
    assert AuditEvent.objects.count() == before
