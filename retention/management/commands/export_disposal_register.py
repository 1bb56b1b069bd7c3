"""python manage.py export_disposal_register: append missing entries to the export.

Disposal exports each register entry as it is written; this catches up any the export
lacks (verify_storage reports them as UNEXPORTED), such as entries written before the
export existed or while its folder could not be written.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from retention.models import DisposalRecord
from retention.register_export import ensure_exported, export_dir


class Command(BaseCommand):
    help = "Append every disposal register entry the register export lacks."

    def handle(self, *args: Any, **options: Any) -> None:
        records = DisposalRecord.objects.select_related(
            "batch__proposed_by",
            "batch__first_approved_by",
            "batch__second_approved_by",
        )
        if not ensure_exported(records):
            raise CommandError(f"Could not write to {export_dir()}: see the log.")
        self.stdout.write(f"Every disposal register entry is in {export_dir()}.")
