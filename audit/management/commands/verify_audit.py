"""python manage.py verify_audit [--checkpoint SEQ:HASH ...]: prove the trail untampered."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.verification import Mark, verify_chain


def _mark(text: str) -> Mark:
    try:
        return Mark.parse(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain and report the first broken link. With "
        "--checkpoint, also prove that no event up to that point was removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A checkpoint line printed earlier and kept apart (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoints = tuple(_mark(text) for text in options["checkpoint"])
        report = verify_chain(checkpoints=checkpoints)
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN after {report.events} good events: "
                f"{report.problem}. Last good link: {report.head.line()}"
            )
        self.stdout.write(
            f"Audit chain intact: {report.events} events"
            + (f", {len(checkpoints)} checkpoint(s) matched" if checkpoints else "")
            + "."
        )
        self.stdout.write(
            "Keep this checkpoint apart from the database "
            "(pass it to --checkpoint later to detect removal of the tail):"
        )
        self.stdout.write(f"checkpoint {report.head.line()}")
