"""An administrator is warned when a facility has too few records managers to approve."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from records.models import Facility

pytestmark = pytest.mark.django_db

WARNING = "fewer than two records managers"


def test_an_administrator_is_warned_of_a_facility_with_one_records_manager(
    administrator: User, records_manager: User, facility: Facility
) -> None:
    client = Client()
    client.force_login(administrator)
    assert WARNING in client.get("/").content.decode()


def test_no_warning_once_the_facility_has_two_records_managers(
    administrator: User,
    records_manager: User,
    records_manager2: User,
    facility: Facility,
) -> None:
    Facility.objects.exclude(pk=facility.pk).delete()
    client = Client()
    client.force_login(administrator)
    assert WARNING not in client.get("/").content.decode()
