"""The rule form says what is wrong in words, and refuses periods no schedule sets."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from retention.forms import RuleForm
from retention.models import RetentionRule, RetentionRuleVersion

FIELDS = {
    "name": "NSW adult",
    "jurisdiction": "NSW",
    "sector": "private",
    "applies_to": "all",
    "trigger": "last_service",
    "citation": "NSW HRIPA s25",
    "is_active": "on",
    "reason": "Typo check",
}


@pytest.mark.django_db
def test_a_zero_period_is_a_field_error_in_words_not_a_constraint_name() -> None:
    form = RuleForm(data={**FIELDS, "years": "0"})
    assert not form.is_valid()
    assert "at least 1 year" in form.errors["years"][0]
    assert "rule_period_positive" not in str(form.errors)


@pytest.mark.django_db
@pytest.mark.parametrize("years", ["151", "9000"])
def test_a_period_over_150_years_is_refused_not_clipped(years: str) -> None:
    form = RuleForm(data={**FIELDS, "years": years})
    assert not form.is_valid()
    assert "At most 150 years" in form.errors["years"][0]


def test_saving_a_9000_year_rule_shows_the_error_and_writes_nothing(
    client: Client, records_manager: User
) -> None:
    client.force_login(records_manager)
    rules_before = RetentionRule.objects.count()
    response = client.post(
        reverse("retention:rule-new"), {**FIELDS, "years": "9000", "save": "1"}
    )
    assert response.status_code == 200
    assert "At most 150 years" in response.content.decode()
    assert RetentionRule.objects.count() == rules_before
    assert not RetentionRuleVersion.objects.filter(rule__name="NSW adult").exists()
    assert not AuditEvent.objects.filter(action="rule_changed").exists()
