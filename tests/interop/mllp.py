"""Test helpers: a real MLLP listener on 127.0.0.1 (ephemeral port) in a thread, a blocking
client socket, and a reader for the ACKs that come back."""

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hl7

from interop.hl7 import MllpServer, respond
from interop.hl7.framing import END, START, frame

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hl7"


def accept_all(raw: bytes) -> bytes:
    """The handler of a feed that applies nothing: AA for every message that parses."""
    return respond(raw, lambda message: None)


@contextmanager
def running_listener(
    handler: Callable[[bytes], bytes | None] = accept_all, **options: Any
) -> Iterator[MllpServer]:
    server = MllpServer(handler, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=asyncio.run, args=(server.serve_forever(),))
    thread.start()
    try:
        assert server.wait_ready(timeout=10), "the listener did not start"
        yield server
    finally:
        server.stop()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the listener did not stop"


def connect(server: MllpServer, timeout: float = 10.0) -> socket.socket:
    assert server.address is not None
    return socket.create_connection(server.address, timeout=timeout)


def send(sock: socket.socket, *payloads: bytes) -> None:
    sock.sendall(b"".join(frame(payload) for payload in payloads))


def read_frame(sock: socket.socket) -> bytes | None:
    """The next frame's payload, or None if the listener hung up first."""
    received = bytearray()
    while not received.endswith(END):
        chunk = sock.recv(1)
        if not chunk:
            return None
        received += chunk
    return bytes(received[received.index(START) + 1 : -len(END)])


def ack_of(payload: bytes | None) -> Any:
    """The ACK parsed with python-hl7, so the tests read it as a sender would."""
    assert payload is not None, "the listener hung up instead of answering"
    return hl7.parse(payload.decode("ascii"))


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def message(control_id: str, *, event: str = "A01", dob: str = "19800101") -> bytes:
    """A small valid A01 with a given MSH-10 (and PID-7, to make it wrong on purpose)."""
    return (
        f"MSH|^~\\&|IPM|RHH|CUSTODIAN|RHH|20250314093015+1100||ADT^{event}^ADT_A01|"
        f"{control_id}|P|2.4\r"
        f"EVN|{event}|20250314093000+1100\r"
        f"PID|1||0412345^^^RHH^MR||Citizen^Jane||{dob}|F\r"
        "PV1|1|I|5A^01^A^RHH\r"
    ).encode("ascii")


def field(parsed: Any, segment: str, number: int) -> str:
    """A whole field, components and all (python-hl7's `MSA.F2` gives its first one)."""
    return str(parsed.segment(segment)(number))
