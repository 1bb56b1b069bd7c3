"""python manage.py reapply_disposals PATH... [--since WHEN] [--dry-run]

After any restore, before the site reopens: every disposal in the exported register
(files, or the CUSTODIAN_REGISTER_EXPORT_DIR directory) that the restored database, key
store or bucket has brought back is carried out again. Every file is read and checked
first: one malformed line and nothing is done at all.
"""

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.reapply import HELD, REAPPLY, UNKNOWN, Finding, assess, reapply_disposal
from retention.register_export import (
    ExportedEntry,
    RegisterFileError,
    files_in,
    read_entries,
)


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--since {text!r} is not an ISO 8601 time.") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "After a restore, destroy again every disposal in the exported register that "
        "the restore brought back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", type=Path, help="Export files, or their directory."
        )
        parser.add_argument(
            "--since",
            type=_since,
            help="Only disposals at or after this time (the backup's point in time).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be re-applied without changing anything.",
        )

    def _entries(
        self, paths: list[Path], since: datetime | None
    ) -> list[ExportedEntry]:
        try:
            entries = list(read_entries(files_in(paths)))
        except RegisterFileError as error:
            raise CommandError(f"Nothing done: {error}") from error
        # An entry exported twice (a catch-up after a crash) counts once.
        unique = {entry.image_public_id: entry for entry in entries}
        return [e for e in unique.values() if since is None or e.destroyed_at >= since]

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        act = assess if dry_run else (lambda entry: reapply_disposal(entry=entry))
        counts: Counter[str] = Counter()
        for entry in self._entries(options["paths"], options["since"]):
            finding: Finding = act(entry)
            counts[finding.outcome] += 1
            self._report(finding, dry_run=dry_run)
        verb = "Would re-apply" if dry_run else "Re-applied"
        self.stdout.write(
            f"{verb} {counts[REAPPLY]}, already disposed {counts[HELD]}, "
            f"unknown images {counts[UNKNOWN]}."
        )
        if not counts[REAPPLY]:
            self.stdout.write("Nothing to re-apply: every known disposal holds.")

    def _report(self, finding: Finding, *, dry_run: bool) -> None:
        image = finding.entry.image_public_id
        if finding.outcome == REAPPLY:
            verb = "would re-apply" if dry_run else "re-applied"
            self.stdout.write(f"{verb} {image}: {', '.join(finding.undone)}")
        elif finding.outcome == UNKNOWN:
            self.stdout.write(
                f"unknown image {image} ({finding.entry.where}): "
                "not in this database; nothing to do"
            )
