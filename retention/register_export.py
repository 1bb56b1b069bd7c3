"""The disposal register, exported off the database as it is written (deployment.md §6).

Each entry is appended, once its disposal has committed, to one JSON-lines file a day (by
its UTC destruction date) in CUSTODIAN_REGISTER_EXPORT_DIR, and fsynced. A restore of the
database rolls its register back; this export does not, so `reapply_disposals` can destroy
again what the restore brought back. Appended after commit, never before: an entry for a
disposal that then rolled back would have a later restore destroy an image that was kept.
A crash or a failed write between commit and append is caught up when the batch finishes
(the batch stays disposing, retried hourly, until every entry is exported), and
verify_storage reports any register entry missing from the export as UNEXPORTED.
"""

import json
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from retention.certificate import REGISTER_COLUMNS, register_rows
from retention.models import DisposalBatch, DisposalRecord

logger = logging.getLogger(__name__)
PATTERN = "register-*.jsonl"
TEXT_COLUMNS = [
    "facility_code",
    "patient_mrn",
    "patient_name",
    "sha256",
    "basis",
    "approvers",
    "method",
]


class RegisterFileError(Exception):
    """An export file that cannot be read as the register: nothing is done with it."""


def export_dir() -> Path:
    return Path(settings.CUSTODIAN_REGISTER_EXPORT_DIR)


def _username(user: Any) -> str:
    return str(user.get_username()) if user else ""


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _batch_detail(batch: DisposalBatch) -> dict[str, str]:
    """Enough of the batch to make it again in a database restored from before it."""
    return {
        "due_on": batch.due_on.isoformat(),
        "proposed_at": _when(batch.proposed_at),
        "proposed_by": _username(batch.proposed_by),
        "first_approved_by": _username(batch.first_approved_by),
        "first_approved_at": _when(batch.first_approved_at),
        "second_approved_by": _username(batch.second_approved_by),
        "second_approved_at": _when(batch.second_approved_at),
        "effective_at": _when(batch.effective_at),
    }


def entry_of(record: DisposalRecord) -> dict[str, Any]:
    """The register's own columns (as in its CSV), its storage objects and its batch."""
    row = list(register_rows([record]))[1]
    entry: dict[str, Any] = dict(zip(REGISTER_COLUMNS, row, strict=True))
    entry["storage_names"] = list(record.storage_names)
    entry["batch_detail"] = _batch_detail(record.batch)
    return entry


def _day_file(directory: Path, destroyed_at: datetime) -> Path:
    return directory / f"register-{destroyed_at.astimezone(UTC):%Y-%m-%d}.jsonl"


def _append(path: Path, data: bytes) -> None:
    """Append in one write (O_APPEND: writers never interleave) and fsync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)
    if created:
        # The new file's name must survive a crash too, not only its contents.
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _by_day(records: Iterable[DisposalRecord]) -> dict[Path, list[DisposalRecord]]:
    days: dict[Path, list[DisposalRecord]] = defaultdict(list)
    for record in records:
        days[_day_file(export_dir(), record.destroyed_at)].append(record)
    return days


def _write(path: Path, records: list[DisposalRecord]) -> None:
    lines = "".join(json.dumps(entry_of(r), sort_keys=True) + "\n" for r in records)
    _append(path, lines.encode())


def export_entries(records: Iterable[DisposalRecord]) -> bool:
    """Append entries to the export; false (and logged) if it could not be written."""
    try:
        for path, day in _by_day(records).items():
            _write(path, day)
    except OSError:
        logger.exception("Disposal register entries not exported to %s", export_dir())
        return False
    return True


def export_after_commit(record: DisposalRecord) -> None:
    transaction.on_commit(lambda: export_entries([record]))


def _ids_in(path: Path) -> set[str]:
    """Image ids already in one export file, read leniently (only to avoid repeats)."""
    found = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                found.add(str(json.loads(line)["image_public_id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def ensure_exported(records: Iterable[DisposalRecord]) -> bool:
    """Append whichever of these entries the export lacks; false if it could not."""
    try:
        for path, day in _by_day(records).items():
            known = _ids_in(path) if path.exists() else set()
            if missing := [r for r in day if str(r.image_public_id) not in known]:
                _write(path, missing)
    except OSError:
        logger.exception("Disposal register entries not exported to %s", export_dir())
        return False
    return True


@dataclass(frozen=True)
class ExportedEntry:
    """One exported register entry, checked."""

    fields: dict[str, Any]
    batch_public_id: uuid.UUID
    batch_detail: dict[str, str]
    where: str

    @property
    def image_public_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.fields["image_public_id"]))

    @property
    def destroyed_at(self) -> datetime:
        return datetime.fromisoformat(str(self.fields["destroyed_at"]))


def _batch_detail_ok(detail: dict[str, Any]) -> bool:
    try:
        date.fromisoformat(str(detail["due_on"]))
        for name, value in detail.items():
            if name.endswith("_at") and value:
                datetime.fromisoformat(str(value))
    except (KeyError, ValueError):
        return False
    return all(isinstance(value, str) for value in detail.values())


def _checked(raw: object, where: str) -> ExportedEntry:
    if not isinstance(raw, dict):
        raise RegisterFileError(f"{where}: not a register entry")
    expected = [*REGISTER_COLUMNS, "storage_names", "batch_detail"]
    missing = [c for c in expected if c not in raw]
    if missing:
        raise RegisterFileError(f"{where}: no {', '.join(missing)}")
    try:
        fields: dict[str, Any] = {name: str(raw[name]) for name in TEXT_COLUMNS}
        fields |= {
            "image_public_id": uuid.UUID(str(raw["image_public_id"])),
            "captured_at": datetime.fromisoformat(str(raw["captured_at"])),
            "retain_until": date.fromisoformat(str(raw["retain_until"])),
            "destroyed_at": datetime.fromisoformat(str(raw["destroyed_at"])),
            "printed_copy_exists": {"yes": True, "no": False}[
                raw["printed_copy_exists"]
            ],
        }
        batch = uuid.UUID(str(raw["batch"]))
    except (ValueError, KeyError, TypeError) as error:
        raise RegisterFileError(f"{where}: {error}") from error
    names, detail = raw["storage_names"], raw.get("batch_detail")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RegisterFileError(f"{where}: storage_names is not a list of names")
    if not isinstance(detail, dict) or not _batch_detail_ok(detail):
        raise RegisterFileError(f"{where}: batch_detail is not a batch's details")
    if fields["destroyed_at"].tzinfo is None or len(fields["sha256"]) != 64:
        raise RegisterFileError(f"{where}: not a register entry")
    fields["storage_names"] = names
    return ExportedEntry(fields, batch, detail, where)


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The export files named, a directory standing for every export file in it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob(PATTERN)))
        elif path.is_file():
            found.append(path)
        else:
            raise RegisterFileError(f"{path}: no such file or directory")
    return found


def read_entries(files: Iterable[Path]) -> Iterator[ExportedEntry]:
    """Every entry of the files, in order; RegisterFileError at the first bad line."""
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RegisterFileError(f"{path}: {error}") from error
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{path}:{number}"
            try:
                raw = json.loads(line)
            except ValueError as error:
                raise RegisterFileError(f"{where}: not JSON ({error})") from error
            yield _checked(raw, where)
