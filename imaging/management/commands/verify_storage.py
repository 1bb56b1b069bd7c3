"""python manage.py verify_storage: every stored object present, decrypting, unaltered.

Checks each active image's original and derivatives against their recorded SHA-256, then
lists storage for objects no row claims. Exits non-zero on any problem. For millions of
images: --rate limits object reads per second, and --progress FILE records where the run
got to, so a stopped run resumes there (or start anywhere with --after ID).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imaging.verification import Problem, Throttle, check_images, check_orphans


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
    help = "Check every stored original and derivative, and report orphans both ways."

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
        progress = Progress(options["progress"])
        if options["after"] is not None:
            progress.phase, progress.after_id = "images", options["after"]
        problems = 0
        images = objects = 0

        def image_batch(last_id: int, count: int) -> None:
            nonlocal images
            images += count
            progress.after_id = last_id
            progress.save()

        def listing_batch(last_name: str, count: int) -> None:
            nonlocal objects
            objects += count
            progress.after_name = last_name
            progress.save()

        if progress.phase == "images":
            throttle = Throttle(rate)
            for problem in check_images(
                after=progress.after_id, throttle=throttle, on_batch=image_batch
            ):
                problems += self._report(problem)
            progress.phase, progress.after_name = "orphans", ""
            progress.save()
        if not options["skip_orphans"]:
            for problem in check_orphans(
                after=progress.after_name, on_batch=listing_batch
            ):
                problems += self._report(problem)
        progress.finish()
        summary = (
            f"Checked {images} images and listed {objects} stored objects: "
            f"{problems} problem{'s' if problems != 1 else ''}."
        )
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _report(self, problem: Problem) -> int:
        self.stderr.write(problem.line())
        return 1
