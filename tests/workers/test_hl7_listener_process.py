"""`manage.py run_hl7_listener` as deployed: its own process, the real feed, PostgreSQL.

Many connections at once, each pipelining messages, get one ACK per message in order and
every message applied; a silent connection is closed after the idle timeout; a frame over
the size cap gets AR, applies nothing, and the connection goes on; SIGTERM stops the
process cleanly, answering what it took in, and nothing is applied without its ACK.
Marked real_worker: the listener process shares the test database, so these need
PostgreSQL (deselected, saying so, on SQLite like the worker tests).
"""

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.models import FeedMessage
from records.models import Patient
from tests.interop.feedkit import harbour
from tests.interop.mllp import ack_of, read_frame, send
from tests.orthanc import free_ports
from tests.workers.conftest import Stack, wait_for

pytestmark = pytest.mark.real_worker
ROOT = Path(__file__).resolve().parents[2]
IDLE_SECONDS = 1.0
CAP_BYTES = 65536


def admission(control_id: str, mrn: str) -> bytes:
    """An A01 admitting a patient of her own to ward 5A."""
    return (
        "MSH|^~\\&|IPM|RHH|CUSTODIAN|RHH|20250314093015+1100||ADT^A01^ADT_A01|"
        f"{control_id}|P|2.4\r"
        "EVN|A01|20250314093000+1100\r"
        f"PID|1||{mrn}^^^RHH^MR||Citizen^Jane||19800101|F\r"
        f"PV1|1|I|5A^01^A^RHH|EM||||||||||||||||V{mrn}^^^RHH^VN\r"
    ).encode("ascii")


class Listener:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.address = ("127.0.0.1", port)

    def connect(self) -> socket.socket:
        return socket.create_connection(self.address, timeout=30)


def _accepts(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def hl7_listener(stack: Stack) -> Iterator[Listener]:
    harbour()
    (port,) = free_ports(1)
    log = stack.data_dir / "listener.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
            [
                sys.executable,
                "manage.py",
                "run_hl7_listener",
                "--host=127.0.0.1",
                f"--port={port}",
                f"--idle-timeout={IDLE_SECONDS}",
                f"--max-message-bytes={CAP_BYTES}",
                "--threads=4",
            ],
            cwd=ROOT,
            env=stack.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener = Listener(process, port)
    try:
        wait_for(
            lambda: process.poll() is not None or _accepts(listener.address),
            "the listener to accept connections",
        )
        assert process.poll() is None, log.read_text()
        yield listener
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _pipeline(listener: Listener, ids: list[str], acks: dict[str, list[str]]) -> None:
    """Send every message at once on one connection, then read the ACKs as they come."""
    with listener.connect() as sock:
        send(sock, *(admission(i, i.removeprefix("C")) for i in ids))
        answers = []
        for _ in ids:
            payload = read_frame(sock)
            if payload is None:
                break
            ack = ack_of(payload)
            answers.append(f"{ack['MSA.F1']} {ack['MSA.F2']}")
        acks[ids[0]] = answers


def _batches(connections: int, each: int) -> list[list[str]]:
    return [[f"C{c:02d}{m:03d}" for m in range(each)] for c in range(connections)]


def test_many_connections_each_get_their_acks_in_order_and_every_message_applies(
    hl7_listener: Listener,
) -> None:
    batches = _batches(6, 10)
    acks: dict[str, list[str]] = {}
    threads = [
        threading.Thread(target=_pipeline, args=(hl7_listener, ids, acks))
        for ids in batches
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    for ids in batches:
        assert acks[ids[0]] == [f"AA {i}" for i in ids]
    sent = {i for ids in batches for i in ids}
    assert set(FeedMessage.objects.values_list("control_id", flat=True)) == sent
    mrns = set(Patient.objects.values_list("mrn", flat=True))
    assert {i.removeprefix("C") for i in sent} <= mrns


def test_a_silent_connection_is_closed_and_an_oversized_frame_refused(
    hl7_listener: Listener,
) -> None:
    with hl7_listener.connect() as silent:
        started = time.monotonic()
        assert silent.recv(1) == b""
    assert IDLE_SECONDS * 0.9 <= time.monotonic() - started < 30

    big = (
        admission("BIG1", "9990001").rstrip(b"\r") + b"\rNTE|1||" + b"x" * 4 * CAP_BYTES
    )
    with hl7_listener.connect() as sock:
        send(sock, big)
        refused = ack_of(read_frame(sock))
        send(sock, admission("AFTER1", "9990002"))
        after = ack_of(read_frame(sock))
    assert (str(refused["MSA.F1"]), str(refused["MSA.F2"])) == ("AR", "BIG1")
    assert f"over the {CAP_BYTES}-byte limit" in str(refused["MSA.F3"])
    assert (str(after["MSA.F1"]), str(after["MSA.F2"])) == ("AA", "AFTER1")
    assert not Patient.objects.filter(mrn="9990001").exists()
    assert Patient.objects.filter(mrn="9990002").exists()


def test_sigterm_stops_cleanly_and_nothing_is_applied_without_its_ack(
    hl7_listener: Listener,
) -> None:
    batches = _batches(4, 25)
    acks: dict[str, list[str]] = {}
    threads = [
        threading.Thread(target=_pipeline, args=(hl7_listener, ids, acks))
        for ids in batches
    ]
    for thread in threads:
        thread.start()
    # Stop while messages are in flight: as soon as the first one has been applied.
    wait_for(FeedMessage.objects.exists, "the first message to be applied")
    hl7_listener.process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=120)

    assert hl7_listener.process.wait(timeout=60) == 0
    assert not _accepts(hl7_listener.address)
    answered = [a for ids in batches for a in acks[ids[0]]]
    assert answered, "no message was answered before the stop"
    assert all(a.startswith("AA ") for a in answered)
    # Every ACK names a message applied, and every message applied was acknowledged.
    applied = set(FeedMessage.objects.values_list("control_id", flat=True))
    assert applied == {a.removeprefix("AA ") for a in answered}
    # Each connection's ACKs are a prefix of what it sent, in order.
    for ids in batches:
        got = acks[ids[0]]
        assert got == [f"AA {i}" for i in ids[: len(got)]]
