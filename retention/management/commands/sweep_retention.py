"""python manage.py sweep_retention [--dry-run]: recompute and propose what is due."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from retention.sweep import sweep_retention


class Command(BaseCommand):
    help = "Recompute retain-until dates and propose a disposal batch of what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what is due without proposing anything or changing any row.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep_retention(actor=None, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{result.due} images are due for disposal (dry run).")
        elif result.batch is None:
            self.stdout.write("Nothing is due for disposal.")
        else:
            self.stdout.write(
                f"Proposed batch {result.batch.public_id} of {result.due} images "
                "for review at /retention/batches/."
            )
