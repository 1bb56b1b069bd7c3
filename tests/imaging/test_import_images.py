"""import_images: a facility's folder comes in once, every refusal explained."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.data import corpus
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo, stored_files

pytestmark = pytest.mark.django_db

GOOD = ["plain.jpg", "phone.heic", "cmyk.jpg", "orientation-6.jpg"]
BAD = ["letter.jpg", "truncated.jpg", "animation.gif"]


def _manifest(folder: Path, rows: list[dict[str, str]]) -> Path:
    path = folder / "manifest.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["file", "MRN", "captured_at", "captured_by", "mode"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(name: str, mrn: str, **extra: str) -> dict[str, str]:
    return {
        "file": name,
        "MRN": mrn,
        "captured_at": "2019-06-01 10:30",
        "captured_by": "Dr A. Smith",
        "mode": "hospital_camera",
        **extra,
    }


def _run(folder: Path, manifest: Path, user: str) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command(
            "import_images", str(folder), manifest=str(manifest), user=user, stdout=out
        )
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_import_stores_good_rows_and_reports_every_refusal(
    records_manager: User, patient: Patient, other_patient: Patient, tmp_path: Path
) -> None:
    folder = tmp_path / "legacy"
    corpus.write_corpus(folder, GOOD + BAD)
    rows = [_row(name, patient.mrn) for name in GOOD + BAD]
    rows += [
        _row("missing.jpg", patient.mrn),
        _row("plain.jpg", "999999"),
        _row("../outside.jpg", patient.mrn),
        _row("cmyk.jpg", other_patient.mrn, mode="polaroid"),
        _row("plain.png", patient.mrn, captured_at="2999-01-01T00:00:00+10:00"),
    ]
    (folder / "plain.png").write_bytes(corpus.SAMPLES["plain.png"].data)
    output, ok = _run(folder, _manifest(folder, rows), "records.manager")
    assert not ok
    assert ClinicalImage.objects.count() == len(GOOD)
    assert output.count(": imported") == len(GOOD)
    assert output.count(": refused") == len(BAD) + 5
    assert "missing.jpg: refused: 'missing.jpg' does not exist." in output
    assert "No patient with MRN '999999'" in output
    assert "is not a file inside the folder" in output
    assert "Unknown capture mode 'polaroid'" in output
    assert "cannot be in the future" in output
    assert "Done: 4 imported, 0 already imported, 8 refused." in output
    image = ClinicalImage.objects.get(original_filename="plain.jpg")
    assert image.upload_channel == "import"
    assert image.captured_by_name == "Dr A. Smith"
    assert image.capture_mode == "hospital_camera"
    assert image.captured_at.isoformat() == "2019-06-01T00:30:00+00:00"


def test_a_rerun_imports_nothing_twice(
    records_manager: User, patient: Patient, tmp_path: Path
) -> None:
    folder = tmp_path / "legacy"
    corpus.write_corpus(folder, GOOD)
    manifest = _manifest(folder, [_row(name, patient.mrn) for name in GOOD])
    first, ok = _run(folder, manifest, "records.manager")
    assert "Done: 4 imported" in first
    events = AuditEvent.objects.filter(action="upload").count()
    again, ok_again = _run(folder, manifest, "records.manager")
    assert ok
    assert ok_again
    assert ClinicalImage.objects.count() == len(GOOD)
    assert AuditEvent.objects.filter(action="upload").count() == events
    assert "Done: 0 imported, 4 already imported, 0 refused." in again


def test_ward_staff_may_not_import(
    nurse: User, patient: Patient, tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(jpeg_bytes())
    manifest = _manifest(tmp_path, [_row("a.jpg", patient.mrn)])
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_images", str(tmp_path), manifest=str(manifest), user="nurse"
        )
    assert not ClinicalImage.objects.exists()


def test_a_manifest_without_the_columns_is_refused(
    records_manager: User, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("name,patient\na.jpg,1\n")
    with pytest.raises(CommandError, match="lacks the column"):
        call_command(
            "import_images",
            str(tmp_path),
            manifest=str(manifest),
            user="records.manager",
        )


def test_import_is_not_asked_for_a_wristband_but_bedside_uploads_are(
    records_manager: User,
    nurse: User,
    nurse_api: APIClient,
    patient: Patient,
    client: Client,
    tmp_path: Path,
    media_root: Path,
) -> None:
    patient.facility.requires_wristband_scan = True
    patient.facility.save()
    folder = tmp_path / "legacy"
    corpus.write_corpus(folder, GOOD)
    manifest = _manifest(folder, [_row(name, patient.mrn) for name in GOOD])
    output, ok = _run(folder, manifest, "records.manager")
    assert ok
    assert "Done: 4 imported, 0 already imported, 0 refused." in output
    events = AuditEvent.objects.filter(action="upload").count()
    files = stored_files(media_root)

    # The same facility's phones and devices, without the wristband, store nothing.
    api = post_photo(nurse_api, patient, jpeg_bytes(color="teal"))
    client.force_login(nurse)
    page = client.post(
        f"/capture/patients/{patient.public_id}/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", jpeg_bytes(color="teal"), "image/jpeg"),
            "capture_mode": "personal_mobile",
            "consent_kind": "verbal",
            "consent_purposes": "care",
        },
    )
    for refused in (api, page):
        assert refused.status_code == 400
        assert refused.json()["wristband"][0].startswith("Scan or type the wristband")
    assert ClinicalImage.objects.count() == len(GOOD)
    assert AuditEvent.objects.filter(action="upload").count() == events
    assert stored_files(media_root) == files
