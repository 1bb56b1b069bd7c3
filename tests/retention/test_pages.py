"""The retention pages: records managers only; refusals leave nothing behind."""

from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from retention.models import DisposalBatch, MedicoLegalFlag, RetentionRule
from retention.review import approve_disposal
from retention.sweep import sweep_retention
from tests.retention.conftest import DUE_DAY

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ward_staff_are_refused_every_retention_page(nurse: User) -> None:
    client = _client(nurse)
    for url in ["/retention/", "/retention/rules/", "/retention/register/"]:
        assert client.get(url).status_code == 403
    assert client.post("/retention/propose/").status_code == 403
    assert not DisposalBatch.objects.exists()


def test_a_records_manager_previews_a_rule_change_without_saving_it(
    records_manager: User, due_photo: ClinicalImage, nsw_rules: list[RetentionRule]
) -> None:
    rule = nsw_rules[0]
    data = {
        "name": rule.name,
        "jurisdiction": "NSW",
        "sector": "",
        "applies_to": "all",
        "trigger": "last_service",
        "years": "3",
        "citation": rule.citation,
        "is_active": "on",
        "preview": "1",
    }
    response = _client(records_manager).post(
        f"/retention/rules/{rule.public_id}/", data
    )
    assert b"1 images would become due earlier" in response.content
    rule.refresh_from_db()
    assert rule.years == 7
    assert not AuditEvent.objects.filter(action="rule_changed").exists()


def test_the_dashboard_shows_images_by_the_year_they_fall_due(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    response = _client(records_manager).get("/retention/")
    assert due_photo.retain_until is not None
    assert str(due_photo.retain_until.year).encode() in response.content
    assert b"NSW HRIPA s25, 7 years after the last service" in response.content


def test_the_batch_list_downloads_as_csv(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
    assert batch is not None
    response = _client(records_manager).get(
        f"/retention/batches/{batch.public_id}/items.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert str(due_photo.public_id) in response.content.decode()


def test_approving_twice_as_the_same_manager_is_refused_with_a_message(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        approve_disposal(actor=records_manager, batch=batch)
        response = _client(records_manager).post(
            f"/retention/batches/{batch.public_id}/approve/", follow=True
        )
    assert b"A second, different records manager must approve." in response.content
    batch.refresh_from_db()
    assert batch.status == DisposalBatch.Status.APPROVED_ONCE


def test_a_manager_flags_a_patient_by_mrn_and_the_flag_is_audited(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    _client(records_manager).post(
        "/retention/flags/",
        {"mrn": due_photo.patient.mrn, "kind": "complaint", "reason": "HCCC complaint"},
    )
    flag = MedicoLegalFlag.objects.get()
    assert flag.patient == due_photo.patient
    assert AuditEvent.objects.filter(action="flag_set").count() == 1


def test_the_sweep_command_dry_run_reports_and_proposes_nothing(
    due_photo: ClinicalImage,
) -> None:
    out = StringIO()
    with time_machine.travel(DUE_DAY):
        call_command("sweep_retention", "--dry-run", stdout=out)
    assert "1 images are due" in out.getvalue()
    assert not DisposalBatch.objects.exists()


def test_the_first_approver_is_told_who_may_approve_and_sees_no_approve_button(
    records_manager: User, records_manager2: User, due_photo: ClinicalImage
) -> None:
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
        assert batch is not None
        approve_disposal(actor=records_manager, batch=batch)
        own = _client(records_manager).get(f"/retention/batches/{batch.public_id}/")
        other = _client(records_manager2).get(f"/retention/batches/{batch.public_id}/")
    page = own.content.decode()
    assert "Who may approve: a records manager other than" in page
    assert f"{records_manager}, who approved it first" in page
    assert "Approve disposal</button>" not in page
    assert "Approve disposal</button>" in other.content.decode()
