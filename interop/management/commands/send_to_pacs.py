"""Backfill: send a facility's images (or one patient's, or one image) to a PACS.

Sends in this process, one image after another, and reports each; images already sent to
the destination are skipped unless --again. Sensitive images are never sent from here (a
clinician sends one through the API, giving a reason that is recorded). Exits 1 when any
send failed (each failed send keeps its reason: here, in the admin, at the API).
"""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination, PacsSend
from interop.pacs.delivery import deliver_send
from interop.pacs.services import queue_send


class Command(BaseCommand):
    help = "Send existing images to a PACS destination (exits 1 if any send failed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--destination", required=True, help="Its name.")
        parser.add_argument("--patient", help="Only this patient's images (MRN).")
        parser.add_argument("--image", help="Only this image (its public id).")
        parser.add_argument(
            "--again", action="store_true", help="Resend images already sent."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destination = PacsDestination.objects.filter(
            name=options["destination"]
        ).first()
        if destination is None:
            raise CommandError(f"No PACS destination {options['destination']!r}.")
        images = self._images(destination, options)
        failed = 0
        for image in images:
            send = queue_send(
                image=image,
                destination=destination,
                actor=None,
                why="backfill",
                enqueue_task=False,
            )
            done = deliver_send(send_id=send.pk, final=True)
            outcome = done.status if done is not None else "already being sent"
            reason = f": {done.last_error}" if done and done.last_error else ""
            self.stdout.write(f"{image.public_id} {outcome}{reason}")
            failed += bool(done and done.status == PacsSend.Status.FAILED)
        self.stdout.write(f"{len(images)} images, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} of {len(images)} sends failed.")

    def _images(
        self, destination: PacsDestination, options: dict[str, Any]
    ) -> list[ClinicalImage]:
        chosen: QuerySet[ClinicalImage] = ClinicalImage.objects.active().filter(
            patient__facility=destination.facility, sensitivity=""
        )
        if options["patient"]:
            chosen = chosen.filter(patient__mrn=options["patient"])
        if options["image"]:
            try:
                chosen = chosen.filter(public_id=uuid.UUID(options["image"]))
            except ValueError as exc:
                raise CommandError("--image takes an image's public id.") from exc
        if (options["patient"] or options["image"]) and not chosen.exists():
            raise CommandError("No such image or patient at this PACS's facility.")
        if not options["again"]:
            already = PacsSend.objects.filter(
                destination=destination, status=PacsSend.Status.SENT
            ).values("image_id")
            chosen = chosen.exclude(pk__in=already)
        return list(chosen.order_by("captured_at", "pk"))
