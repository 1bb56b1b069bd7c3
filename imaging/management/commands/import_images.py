"""python manage.py import_images FOLDER --manifest FILE.csv --user USERNAME"""

import csv
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.permissions import may_import_images
from imaging.exceptions import ImagingError
from imaging.services.bulk_import import COLUMNS, import_row, read_manifest


class Command(BaseCommand):
    help = (
        "Import a facility's existing folder of images. The CSV manifest has the "
        f"columns {', '.join(COLUMNS)} (optional: consent_kind, body_site, laterality, "
        "note). Every refused row is reported with its reason; a re-run imports "
        "nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--manifest", type=Path, required=True)
        parser.add_argument(
            "--user", required=True, help="Who imports (needs imaging.import_images)."
        )
        parser.add_argument(
            "--facility", default="", help="Facility code, when MRNs are ambiguous."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['user']!r}.")
        if not may_import_images(actor):
            raise CommandError(f"{actor.username} may not import images.")
        counts = {"imported": 0, "already imported": 0, "refused": 0}
        try:
            for line, row in read_manifest(Path(options["manifest"])):
                outcome = import_row(
                    actor=actor,
                    folder=folder,
                    line=line,
                    row=row,
                    facility_code=options["facility"],
                )
                counts[outcome.status] += 1
                said = f" {outcome.image.public_id}" if outcome.image else ""
                reason = f": {outcome.message}" if outcome.message else ""
                self.stdout.write(
                    f"line {line} {outcome.file}: {outcome.status}{said}{reason}"
                )
        except (OSError, ValueError, csv.Error, ImagingError) as exc:
            raise CommandError(f"Cannot read the manifest: {exc}") from exc
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        self.stdout.write(f"Done: {summary}.")
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} row(s) refused; see above.")
