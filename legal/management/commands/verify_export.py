"""verify_export BUNDLE: validate an export bundle offline and report the first discrepancy."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legal.verify import BundleInvalid, verify_bundle


class Command(BaseCommand):
    help = "Validate an export bundle (BagIt in a ZIP): structure, Payload-Oxum, every SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle", type=Path, help="The bundle's ZIP file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["bundle"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            summary = verify_bundle(path)
        except BundleInvalid as exc:
            raise CommandError(f"INVALID: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"OK: {summary}"))
