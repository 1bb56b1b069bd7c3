"""The listener run as `manage.py run_hl7_listener` will run it: `run()`, with its SIGTERM and
SIGINT handlers, in a process of its own. A message with MSH-10 `SLOW` is held until a line
arrives on stdin, so a test can stop the process with that message in flight."""

import logging
import sys

from interop.hl7 import respond, run


def handler(raw: bytes) -> bytes:
    if b"|SLOW|" in raw:
        print("handling", flush=True)  # noqa: T201
        sys.stdin.readline()
    return respond(raw, lambda message: None)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    run(handler, "127.0.0.1", 0)
    print("stopped", flush=True)  # noqa: T201
