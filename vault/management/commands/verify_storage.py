"""python manage.py verify_storage: every stored object present, decrypting, unaltered.

Checks, in phases, each active image's original and derivatives, each hard-copy PDF still
stored and each export bundle not yet expired against their recorded SHA-256, then every
data key (none may survive a disposal; none may be unused), then lists storage for
objects no row claims. Exits non-zero on any problem. For millions of images:
--rate limits object reads per second, and --progress FILE records the phase and the last
row id (or, listing, the last object name) done, so a stopped run resumes there (or start
anywhere with --after ID, an image id).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vault.verification import (
    Problem,
    RowPhase,
    Throttle,
    check_data_keys,
    check_orphans,
    row_phases,
)


def phases() -> dict[str, RowPhase]:
    """Each app's rows in the order the apps are installed, then the data keys.

    Every row phase resumes by row id; then "orphans", resumable by object name.
    """
    ordered = [*row_phases, RowPhase("keys", "data keys", check_data_keys)]
    return {phase.key: phase for phase in ordered}


LISTED = "stored objects listed"


class Progress:
    """Where a run got to, written after every batch so a stopped run can resume."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        saved = json.loads(path.read_text()) if path and path.exists() else {}
        self.phase: str = saved.get("phase", "images")
        self.after_id: int = saved.get("after_id", 0)
        self.after_name: str = saved.get("after_name", "")

    def save(self) -> None:
        if self.path is None:
            return
        state = {
            "phase": self.phase,
            "after_id": self.after_id,
            "after_name": self.after_name,
        }
        # Written beside and renamed, so a crash mid-write never leaves half a file.
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(state))
        partial.replace(self.path)

    def finish(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class Command(BaseCommand):
    help = (
        "Check every stored original, derivative, hard copy and export bundle, "
        "and report orphans both ways."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after",
            type=int,
            help="Start after this image id (overrides --progress).",
        )
        parser.add_argument(
            "--progress", type=Path, help="Resume from, and record progress in, FILE."
        )
        parser.add_argument(
            "--rate", type=float, help="Read at most N objects per second."
        )
        parser.add_argument(
            "--skip-orphans",
            action="store_true",
            help="Do not list storage for objects that no record claims.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rate = options["rate"]
        if rate is not None and rate <= 0:
            raise CommandError(
                "--rate must be a positive number of objects per second."
            )
        self.phases = phases()
        self.counts = dict.fromkeys(
            [p.counted for p in self.phases.values()] + [LISTED], 0
        )
        progress = Progress(options["progress"])
        if options["after"] is not None:
            progress.phase, progress.after_id = "images", options["after"]
        problems = self._check_rows(progress, Throttle(rate))
        if not options["skip_orphans"]:
            problems += self._list_orphans(progress)
        progress.finish()
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        summary = f"Checked {counts}: {problems} problem{'s' if problems != 1 else ''}."
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _check_rows(self, progress: Progress, throttle: Throttle) -> int:
        """Each row phase from where the progress left off; the problems found."""
        order = list(self.phases)
        if progress.phase not in order:
            return 0
        problems = 0

        def batch_done(last_id: int, count: int) -> None:
            self.counts[self.phases[progress.phase].counted] += count
            progress.after_id = last_id
            progress.save()

        for phase in order[order.index(progress.phase) :]:
            if phase != progress.phase:
                progress.phase, progress.after_id = phase, 0
                progress.save()
            for problem in self.phases[phase].check(
                after=progress.after_id, throttle=throttle, on_batch=batch_done
            ):
                problems += self._report(problem)
        # The listing starts afresh once every row is checked.
        progress.phase, progress.after_id, progress.after_name = "orphans", 0, ""
        progress.save()
        return problems

    def _list_orphans(self, progress: Progress) -> int:
        problems = 0

        def batch_listed(last_name: str, count: int) -> None:
            self.counts[LISTED] += count
            progress.after_name = last_name
            progress.save()

        for problem in check_orphans(after=progress.after_name, on_batch=batch_listed):
            problems += self._report(problem)
        return problems

    def _report(self, problem: Problem) -> int:
        self.stderr.write(problem.line())
        return 1
