"""Periods read as English: "1 year", not "1 years"."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from imaging.models import ClinicalImage
from retention.compute import recompute_retention
from retention.models import RetentionRule

pytestmark = pytest.mark.django_db


def test_a_one_year_rule_reads_one_year_on_the_dashboard(
    records_manager: User, due_photo: ClinicalImage, nsw_rules: list[RetentionRule]
) -> None:
    RetentionRule.objects.filter(pk=nsw_rules[0].pk).update(years=1)
    recompute_retention()
    client = Client()
    client.force_login(records_manager)
    text = client.get("/retention/").content.decode()
    assert "NSW HRIPA s25, 1 year after the last service" in text
    assert "1 years" not in text
