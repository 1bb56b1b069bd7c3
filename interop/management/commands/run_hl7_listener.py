"""Run the HL7 v2 ADT listener (MLLP) until SIGTERM: `run_hl7_listener [--host] [--port]`."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from interop.feed.services import handle
from interop.hl7 import run


def _default_bind() -> tuple[str, int]:
    host, _, port = str(settings.CUSTODIAN_HL7_BIND).rpartition(":")
    return host or "127.0.0.1", int(port or 2575)


class Command(BaseCommand):
    help = "Listen for HL7 v2 ADT messages over MLLP (DESIGN §9) until SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        host, port = _default_bind()
        parser.add_argument("--host", default=host)
        parser.add_argument("--port", type=int, default=port)
        parser.add_argument("--idle-timeout", type=float, default=300.0)
        parser.add_argument("--max-message-bytes", type=int, default=1024 * 1024)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"HL7 listener on {options['host']}:{options['port']}")
        run(
            handle,
            options["host"],
            options["port"],
            idle_timeout=options["idle_timeout"],
            max_message_bytes=options["max_message_bytes"],
            handler_threads=options["threads"],
        )
