"""Disposal CSVs show what came from outside as text, never as a spreadsheet formula."""

import csv
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from imaging.models import ClinicalImage
from records.models import Patient
from retention.sweep import sweep_retention
from tests.retention.conftest import DUE_DAY, dispose_of_due

pytestmark = pytest.mark.django_db

# A tab before the = still runs as a formula in some spreadsheets.
# An MRN is at most 20 characters: a short formula fits.
MRN = "\t=1+cmd|' /C calc'!A0"[:20]


def test_an_mrn_starting_a_formula_is_quoted_in_the_batch_csv(
    records_manager: User, due_photo: ClinicalImage
) -> None:
    Patient.objects.filter(pk=due_photo.patient_id).update(mrn=MRN)
    with time_machine.travel(DUE_DAY):
        batch = sweep_retention(actor=None).batch
    assert batch is not None
    client = Client()
    client.force_login(records_manager)
    response = client.get(f"/retention/batches/{batch.public_id}/items.csv")
    _, row = csv.reader(io.StringIO(response.content.decode()))
    assert row[1] == "'" + MRN


def test_a_name_starting_a_formula_is_quoted_in_the_register_csv(
    records_manager: User, records_manager2: User, due_photo: ClinicalImage
) -> None:
    Patient.objects.filter(pk=due_photo.patient_id).update(
        family_name="@SUM(1+1)", mrn="-42"
    )
    dispose_of_due(records_manager, records_manager2)
    client = Client()
    client.force_login(records_manager)
    response = client.get("/retention/register.csv")
    [row] = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["patient_mrn"] == "'-42"
    assert row["patient_name"].startswith("'@SUM(1+1)")
