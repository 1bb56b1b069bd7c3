"""PACS destinations as data: `pacs_destination add NAME ...` and `pacs_destination list`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop.models.pacs import DEFAULT_CALLING_AE, PacsDestination
from interop.pacs.exceptions import InvalidDestination
from interop.pacs.services import add_pacs_destination


class Command(BaseCommand):
    help = "Add or list the PACS (DICOM C-STORE destinations) images are sent to."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a destination.")
        add.add_argument("name")
        add.add_argument("--facility", required=True, help="The facility's code.")
        add.add_argument("--host", required=True)
        add.add_argument("--port", required=True, type=int)
        add.add_argument("--called-ae", required=True, help="The PACS's AE title.")
        add.add_argument(
            "--calling-ae",
            default=DEFAULT_CALLING_AE,
            help=f"Custodian's AE title, as the PACS knows it ({DEFAULT_CALLING_AE}).",
        )
        add.add_argument(
            "--auto", action="store_true", help="Send every new image automatically."
        )
        actions.add_parser("list", help="List destinations.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self._add(options)
        else:
            self._list()

    def _add(self, options: dict[str, Any]) -> None:
        if PacsDestination.objects.filter(name=options["name"]).exists():
            raise CommandError(f"A destination {options['name']!r} exists already.")
        try:
            destination = add_pacs_destination(
                name=options["name"],
                facility_code=options["facility"],
                host=options["host"],
                port=options["port"],
                called_ae=options["called_ae"],
                calling_ae=options["calling_ae"],
                auto=options["auto"],
            )
        except InvalidDestination as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Added {destination}.")

    def _list(self) -> None:
        for d in PacsDestination.objects.select_related("facility").order_by("name"):
            auto = " auto" if d.auto else ""
            self.stdout.write(
                f"{d.name}\t{d.facility.code}\t{d.called_ae}@{d.host}:{d.port}"
                f"\tcalling {d.calling_ae}{auto}"
            )
