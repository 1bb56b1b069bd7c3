"""Bulk import: a facility's existing folder of images, mapped by a CSV manifest.

Each row goes through the one ingest service (channel import). The Idempotency-Key is
derived from the facility, the file's path and its SHA-256, so a re-run finds every row
it already imported and stores nothing twice.
"""

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from imaging.exceptions import ImagingError, InvalidField
from imaging.models import ClinicalImage
from imaging.services.capture import CaptureDetails, capture_image
from records.models import Patient
from records.selectors import patients_visible_to

COLUMNS = ("file", "MRN", "captured_at", "captured_by", "mode")


@dataclass(frozen=True)
class RowOutcome:
    line: int
    file: str
    status: str  # imported, already imported, refused
    message: str
    image: ClinicalImage | None = None


def read_manifest(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the manifest with their line numbers; refuses a manifest without columns."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidField(
                f"The manifest lacks the column(s) {', '.join(missing)}.",
                field="manifest",
            )
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _patient(actor: User, mrn: str, facility_code: str) -> Patient:
    patients = patients_visible_to(actor).filter(mrn=mrn)
    if facility_code:
        patients = patients.filter(facility__code=facility_code)
    found = list(patients[:2])
    if not found:
        raise InvalidField(
            f"No patient with MRN {mrn!r} that you may see.", field="MRN"
        )
    if len(found) > 1:
        raise InvalidField(
            f"MRN {mrn!r} exists in several facilities: pass --facility.", field="MRN"
        )
    return found[0]


def _captured_at(raw: str, patient: Patient) -> datetime | None:
    if not raw:
        return None
    stamp = parse_datetime(raw.replace(" ", "T", 1))
    if stamp is None:
        raise InvalidField(f"captured_at {raw!r} is not ISO 8601.", field="captured_at")
    if timezone.is_naive(stamp):
        stamp = stamp.replace(tzinfo=ZoneInfo(patient.facility.time_zone))
    return stamp


def _source(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if not name or not path.is_relative_to(folder.resolve()):
        raise InvalidField(f"{name!r} is not a file inside the folder.", field="file")
    if not path.is_file():
        raise InvalidField(f"{name!r} does not exist.", field="file")
    return path


def _idempotency_key(patient: Patient, name: str, path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    basis = f"{patient.facility.code}|{name}|{digest}"
    return "import-" + hashlib.sha256(basis.encode()).hexdigest()


def _photographer(name: str) -> tuple[User | None, str]:
    user = User.objects.filter(username=name).first() if name else None
    return (user, "") if user else (None, name)


def import_row(
    *, actor: User, folder: Path, line: int, row: dict[str, str], facility_code: str
) -> RowOutcome:
    """Import one manifest row through the ingest service, or say why not."""
    name = row.get("file", "")
    try:
        path = _source(folder, name)
        patient = _patient(actor, row.get("MRN", ""), facility_code)
        captured_by, captured_by_name = _photographer(row.get("captured_by", ""))
        details = CaptureDetails(
            capture_mode=row.get("mode", ""),
            consent_kind=row.get("consent_kind") or ClinicalImage.ConsentKind.VERBAL,
            captured_at=_captured_at(row.get("captured_at", ""), patient),
            captured_by=captured_by,
            captured_by_name=captured_by_name,
            body_site=row.get("body_site", ""),
            laterality=row.get("laterality", ""),
            note=row.get("note", ""),
            idempotency_key=_idempotency_key(patient, name, path),
            original_filename=path.name,
            extra={"manifest_line": str(line), "source_file": name},
        )
        with path.open("rb") as handle:
            result = capture_image(
                actor=actor,
                patient=patient,
                upload=handle,
                details=details,
                channel=ClinicalImage.Channel.IMPORT,
            )
    except ImagingError as exc:
        return RowOutcome(line, name, "refused", exc.message)
    if not result.created:
        return RowOutcome(line, name, "already imported", "", result.image)
    return RowOutcome(line, name, "imported", "", result.image)
