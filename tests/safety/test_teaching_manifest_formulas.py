"""A teaching set's manifest shows typed text as text, never as a spreadsheet formula."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import User

from imaging.teaching.export import export_for_teaching
from records.models import Patient
from tests.records.browsing import photo

pytestmark = pytest.mark.django_db


def test_a_typed_view_starting_a_formula_is_quoted_in_the_manifest(
    nurse: User, patient: Patient
) -> None:
    image = photo(
        actor=nurse,
        patient=patient,
        consent_purposes=("care", "teaching"),
        view='=HYPERLINK("http://evil.example","Open")',
    )
    made = export_for_teaching(
        actor=nurse,
        patient=patient,
        image_ids=[str(image.public_id)],
        purpose="teaching",
    )
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    [row] = csv.DictReader(io.StringIO(archive.read("manifest.csv").decode()))
    assert row["view"] == '\'=HYPERLINK("http://evil.example","Open")'
