"""A records manager changes a rule, sees its effect, and two managers dispose of a batch."""

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from imaging.models import ClinicalImage
from records.models import Encounter, Facility, Ward
from retention.compute import recompute_retention
from retention.models import DisposalRecord, RetentionRule, RetentionRuleChange
from retention.sweep import sweep_retention
from retention.verification import verify_retention_rule
from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot, sign_in
from tests.factories import EncounterFactory, PatientFactory, capture


def _old_photo(nurse: User, ward: Ward) -> ClinicalImage:
    """A photo from a stay that ended ten years ago."""
    ten_years_ago = timezone.now() - timedelta(days=3660)
    person = PatientFactory(facility=ward.facility, family_name="Longago")
    EncounterFactory(patient=person, ward=ward, started_at=ten_years_ago)
    image = capture(actor=nurse, patient=person, captured_at=ten_years_ago)
    Encounter.objects.filter(patient=person).update(
        ended_at=ten_years_ago + timedelta(hours=3)
    )
    return image


def _manager_page(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context(locale="en-AU").new_page()
    sign_in(page, base_url, username)
    return page


def _shorten_with_a_second_manager(browser: Browser, base: str, first: Page) -> None:
    """A shortening change waits; another records manager reviews and approves it."""
    first.goto(f"{base}/retention/rules/")
    first.get_by_role("link", name="NSW adult").click()
    # Back to the presets' 7 years: the shipped (unverified) rules then date no later.
    first.get_by_label(re.compile(r"^Years \(or age\)")).fill("7")
    first.get_by_label("Reason for the change").fill("Board resolution 12")
    first.get_by_role("button", name="Save rule").click()
    expect(first.get_by_text("takes effect only when another")).to_be_visible()
    change = RetentionRuleChange.objects.get()
    second = _manager_page(browser, base, "records.manager2")
    second.goto(f"{base}/retention/rules/changes/{change.public_id}/")
    expect(second.get_by_role("status")).to_contain_text("1 images would become due")
    assert serious_violations(second) == []
    second.get_by_role("button", name="Approve the change").click()
    expect(second.get_by_text("Change approved")).to_be_visible()
    second.close()


def test_a_rule_change_is_previewed_and_a_batch_is_approved_twice_and_carried_out(
    live_server: Any,
    browser: Browser,
    settings: Any,
    facility: Facility,
    ward: Ward,
    nurse: User,
    records_manager: User,
    records_manager2: User,
) -> None:
    settings.CUSTODIAN_DISPOSAL_WAIT_DAYS = 0
    Facility.objects.filter(pk=facility.pk).update(sector="private")
    RetentionRule.objects.create(
        name="NSW adult",
        jurisdiction="NSW",
        trigger="last_service",
        years=7,
        citation="NSW HRIPA s25",
    )
    image = _old_photo(nurse, ward)
    recompute_retention()

    first = _manager_page(browser, live_server.url, "records.manager")
    first.goto(f"{live_server.url}/retention/rules/")
    first.get_by_role("link", name="NSW adult").click()
    # "Second years (or age)" is a field of its own; this is the first period.
    first.get_by_label(re.compile(r"^Years \(or age\)")).fill("8")
    first.get_by_label("Reason for the change").fill("Local policy: one more year")
    first.get_by_role("button", name="Preview the effect").click()
    expect(first.get_by_role("status")).to_contain_text(
        "0 images would become due earlier, 1 later"
    )
    screenshot(first, "retention-what-if")
    first.get_by_role("button", name="Save rule").click()
    expect(first.get_by_text("Rule saved")).to_be_visible()
    image.refresh_from_db()
    assert "v2" in image.retention_basis
    _shorten_with_a_second_manager(browser, live_server.url, first)
    # A changed rule is unverified again: nothing is disposed under it until a records
    # manager checks it against the authorised text.
    assert sweep_retention(actor=None).batch is None
    verify_retention_rule(
        actor=records_manager,
        rule=RetentionRule.objects.get(name="NSW adult"),
        source_title="Health Records and Information Privacy Act 2002 (NSW)",
        source_version="current",
        clause="s 25",
        reason="Read against the Act",
    )
    recompute_retention()

    batch = sweep_retention(actor=None).batch
    assert batch is not None
    first.goto(f"{live_server.url}/retention/batches/{batch.public_id}/")
    expect(first.get_by_text(str(image.public_id))).to_be_visible()
    screenshot(first, "retention-batch-review")
    first.get_by_role("button", name="Approve disposal").click()
    expect(first.get_by_text("Awaiting second approval")).to_be_visible()

    second = _manager_page(browser, live_server.url, "records.manager2")
    second.goto(f"{live_server.url}/retention/batches/{batch.public_id}/")
    second.get_by_role("button", name="Approve disposal").click()
    expect(second.get_by_text("Approved, waiting period")).to_be_visible()
    second.get_by_role("button", name="Carry out disposal").click()
    expect(second.get_by_text("Carried out", exact=True)).to_be_visible()

    second.get_by_role("link", name="Disposal register").click()
    row = second.get_by_role("row", name=str(image.public_id))
    expect(row).to_contain_text(image.patient.mrn)
    expect(row).to_contain_text("NSW HRIPA s25")
    screenshot(second, "retention-register")
    assert DisposalRecord.objects.filter(image_public_id=image.public_id).exists()
