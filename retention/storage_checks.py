"""What verify_storage checks of the disposal register: every entry exported off the DB."""

from collections.abc import Iterator

from retention.models import DisposalRecord
from retention.register_export import (
    RegisterFileError,
    export_dir,
    files_in,
    read_entries,
)
from vault.verification import OnBatch, Problem, RowPhase, Throttle, batches, row_phases


def check_register_export(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every register entry after the given id is in the export; reads no objects."""
    folder = export_dir()
    try:
        files = files_in([folder]) if folder.is_dir() else []
        exported = {entry.image_public_id for entry in read_entries(files)}
    except RegisterFileError as error:
        yield Problem("export_unreadable", str(folder), str(error))
        return
    records = DisposalRecord.objects.only("pk", "image_public_id")
    for batch in batches(records, after, on_batch):
        for record in batch:
            if record.image_public_id not in exported:
                yield Problem(
                    "unexported",
                    f"register entry {record.image_public_id}",
                    f"not in the register export in {folder}, so a restore could "
                    "undo its disposal: run export_disposal_register",
                )


def register() -> None:
    row_phases.register(
        RowPhase("register", "disposal register entries", check_register_export)
    )
