"""The ADT feed: messages/s through the MLLP listener into PostgreSQL, beside a bare listener.

BENCH_FEED_MESSAGES (default 2000) ADT messages, half A01 admissions of new patients and
half A08 demographic updates of them, are sent from 4 connections at once, each waiting
for its ACK before the next message, as an integration engine sends. The listener is the
one `run_hl7_listener` runs (interop.hl7.MllpServer with interop.feed.services.handle: 4
handler threads, each with its own database connection), on a loopback port of this
process; each message is parsed, journalled and applied in one transaction, the tasks it
starts (an A08's retention recompute) queued to an in-memory broker as they would be to
real workers (inline, an A08 recomputes retention in the request: measured at 2.7 s on
this machine, which is retention's cost, not the feed's). The floor is
the same client against the same MllpServer whose handler parses the message and ACKs it
AA without touching the database: framing, parsing and the round trip alone. Target
(issue 18): at least 500 messages/s, and at least 0.25x the floor.
"""

import asyncio
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bench.common import Figure
from config.celery import app as celery_app
from interop.feed.services import handle
from interop.hl7 import MllpServer, respond
from interop.hl7.framing import END, START, frame
from records.models import Facility, Ward

COUNT = int(os.environ.get("BENCH_FEED_MESSAGES", "2000"))
CONNECTIONS = 4
FACILITY = "BFEED"
FLOOR = "same client, a bare MllpServer that parses and ACKs (no database)"


def _facility() -> None:
    facility, _ = Facility.objects.get_or_create(
        code=FACILITY,
        defaults={
            "name": "Bench Feed Hospital",
            "jurisdiction": "NSW",
            "sector": "public",
            "time_zone": "Australia/Sydney",
        },
    )
    Ward.objects.get_or_create(facility=facility, code="5A", defaults={"name": "5A"})


def _messages(run: str, connection: int, count: int) -> list[bytes]:
    """A01 then A08 for each patient of this connection: new MRNs, new control ids."""
    out = []
    for n in range(count // 2):
        mrn = f"{run}{connection}{n:05d}"
        for event, name in (("A01", "Citizen^Jane"), ("A08", "Citizen^Jane^Anne")):
            out.append(
                f"MSH|^~\\&|IPM|{FACILITY}|CUSTODIAN|{FACILITY}|20250314093015+1100||"
                f"ADT^{event}^ADT_A01|{event}{mrn}|P|2.4\r"
                f"EVN|{event}|20250314093000+1100\r"
                f"PID|1||{mrn}^^^{FACILITY}^MR||{name}||19800101|F\r"
                f"PV1|1|I|5A^01^A^{FACILITY}|EM||||||||||||||||V{mrn}^^^{FACILITY}^VN\r".encode(
                    "ascii"
                )
            )
    return out


def _bare(raw: bytes) -> bytes:
    return respond(raw, lambda message: None)


@contextmanager
def _listening(handler: Callable[[bytes], bytes | None]) -> Iterator[tuple[str, int]]:
    server = MllpServer(handler, "127.0.0.1", 0, handler_threads=CONNECTIONS)
    thread = threading.Thread(target=asyncio.run, args=(server.serve_forever(),))
    thread.start()
    try:
        if not server.wait_ready(timeout=30) or server.address is None:
            raise RuntimeError("The MLLP listener did not start.")
        yield server.address
    finally:
        server.stop()
        thread.join(timeout=60)


def _send_each(
    address: tuple[str, int], messages: list[bytes], codes: list[str]
) -> None:
    with socket.create_connection(address, timeout=60) as sock:
        for message in messages:
            sock.sendall(frame(message))
            received = bytearray()
            while not received.endswith(END):
                chunk = sock.recv(4096)
                if not chunk:
                    raise RuntimeError("The listener hung up.")
                received += chunk
            ack = bytes(received[received.index(START) + 1 : -len(END)])
            codes.append(ack.split(b"\rMSA|", 1)[1][:2].decode())


def _rate(handler: Callable[[bytes], bytes | None], run: str) -> float:
    """Messages/s from CONNECTIONS connections at once; every ACK must be AA."""
    batches = [_messages(run, c, COUNT // CONNECTIONS) for c in range(CONNECTIONS)]
    codes: list[list[str]] = [[] for _ in batches]
    with _listening(handler) as address:
        threads = [
            threading.Thread(target=_send_each, args=(address, batch, got))
            for batch, got in zip(batches, codes, strict=True)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
    answered = [code for got in codes for code in got]
    sent = sum(len(b) for b in batches)
    if answered != ["AA"] * sent:
        raise RuntimeError(f"Not every message was accepted: {set(answered)}")
    return sent / seconds


@contextmanager
def _queued() -> Iterator[None]:
    """Tasks go to an in-memory broker, as they would to real workers."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker


def run() -> list[Figure]:
    _facility()
    # A run of its own: MRNs and control ids never seen by an earlier run.
    run_id = uuid.uuid4().hex[:6].upper()
    floor = _rate(_bare, f"F{run_id}")
    with _queued():
        ours = _rate(handle, f"B{run_id}")
    label = f"ADT feed over MLLP, {CONNECTIONS} connections, A01 + A08, into PostgreSQL"
    return [Figure(f"{label}: messages/s", ours, "msg/s", floor, FLOOR)]
