"""Each role is a group with exactly the permissions DESIGN.md §4 gives it."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_role_group_has_exactly_its_permissions(role: Role) -> None:
    group = Group.objects.get(name=role)
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
    }
    assert granted == set(ROLE_PERMISSIONS[role])


@pytest.mark.parametrize(
    ("role", "may", "may_not"),
    [
        (Role.WARD_STAFF, "imaging.capture_image", "records.approve_disposal"),
        (Role.RECORDS_MANAGER, "records.approve_disposal", "imaging.capture_image"),
        (Role.LEGAL, "imaging.export_images", "imaging.view_clinicalimage"),
        (
            Role.PRIVACY_OFFICER,
            "records.review_break_glass",
            "imaging.download_original",
        ),
        (Role.ADMINISTRATOR, "auth.add_user", "imaging.view_clinicalimage"),
    ],
)
def test_a_user_in_a_role_has_its_permissions_and_not_others(
    role: Role, may: str, may_not: str
) -> None:
    user = UserFactory(role=role)
    assert user.has_perm(may)
    assert not user.has_perm(may_not)
