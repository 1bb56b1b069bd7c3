"""Fixtures for legal work: a matter over the nurse's patient, and a built bundle."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from imaging.models import ClinicalImage
from legal import services
from legal.building import build_export_bundle
from legal.models import ExportBundle, LegalMatter
from records.models import Patient
from tests.factories import capture, jpeg_bytes


@pytest.fixture
def second_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        data=jpeg_bytes((800, 600), color="navy"),
        body_site="Sacrum",
        body_site_code="26947005",
        view="Posterior",
        note="Pressure injury,\nstage 2",
    )


@pytest.fixture
def matter(
    legal_officer: User,
    patient: Patient,
    wound_photo: ClinicalImage,
    second_photo: ClinicalImage,
) -> LegalMatter:
    return services.open_matter(
        actor=legal_officer,
        reference="NSWSC 2026/123",
        kind="litigation",
        court_or_body="Supreme Court of NSW",
        patients=[patient.public_id],
    )


@pytest.fixture
def built_bundle(legal_officer: User, matter: LegalMatter) -> ExportBundle:
    bundle = services.request_export(actor=legal_officer, matter=matter, prefix="RPA")
    build_export_bundle(bundle_id=bundle.pk)
    bundle.refresh_from_db()
    return bundle


def bundle_bytes(bundle: ExportBundle, actor: User) -> bytes:
    return b"".join(services.download_export(actor=actor, bundle=bundle))


@pytest.fixture
def bundle_zip(built_bundle: ExportBundle, legal_officer: User, tmp_path: Path) -> Path:
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle_bytes(built_bundle, legal_officer))
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as bag:
        return {name: bag.read(name) for name in bag.namelist()}
