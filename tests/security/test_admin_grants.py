"""Through /admin/, every grant of access is on the audit trail, and none is self-given."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.roles import Role
from audit.models import AuditEvent
from records.models import Facility, FacilityAssignment, StaffMembership, Ward
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "You cannot give yourself access to patients"


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def newcomer(db: None) -> User:
    return UserFactory(username="new.nurse")


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


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_giving_a_user_a_role_is_an_audit_event(
    admin_client: Client, administrator: User, newcomer: User
) -> None:
    staff = Group.objects.get(name=Role.WARD_STAFF)
    response = admin_client.post(
        f"/admin/auth/user/{newcomer.pk}/change/",
        _user_form(newcomer, groups=[staff.pk]),
    )
    assert response.status_code == 302
    assert list(newcomer.groups.values_list("name", flat=True)) == [Role.WARD_STAFF]
    [event] = _events("roles_changed")
    assert event.actor == administrator
    assert event.detail["added"] == [Role.WARD_STAFF]
    assert event.detail["username"] == "new.nurse"


def test_an_administrator_cannot_give_themselves_a_clinical_role(
    admin_client: Client, administrator: User
) -> None:
    staff = Group.objects.get(name=Role.WARD_STAFF)
    before = AuditEvent.objects.count()
    response = admin_client.post(
        f"/admin/auth/user/{administrator.pk}/change/",
        _user_form(
            administrator, groups=[*_user_form(administrator)["groups"], staff.pk]
        ),
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not administrator.groups.filter(name=Role.WARD_STAFF).exists()
    assert AuditEvent.objects.count() == before


def test_an_administrator_cannot_make_themselves_superuser(
    admin_client: Client, administrator: User
) -> None:
    admin_client.post(
        f"/admin/auth/user/{administrator.pk}/change/",
        _user_form(administrator, is_superuser="on"),
    )
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_disabling_and_reactivating_an_account_are_audit_events(
    admin_client: Client, newcomer: User
) -> None:
    url = f"/admin/auth/user/{newcomer.pk}/change/"
    assert admin_client.post(url, _user_form(newcomer, is_active="")).status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.is_active
    assert len(_events("account_disabled")) == 1
    assert (
        admin_client.post(url, _user_form(newcomer, is_active="on")).status_code == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.is_active
    assert len(_events("account_activated")) == 1


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
    assert granted.detail["username"] == "new.nurse"
    response = admin_client.post(
        f"/admin/records/staffmembership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(user=newcomer).exists()
    assert len(_events("membership_revoked")) == 1


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
    assert len(_events("facility_assigned")) == 1
    before = AuditEvent.objects.count()
    response = admin_client.post(
        "/admin/records/facilityassignment/add/",
        {"user": administrator.pk, "facility": facility.pk},
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not FacilityAssignment.objects.filter(user=administrator).exists()
    assert AuditEvent.objects.count() == before
