"""The MLLP listener, spoken to over real TCP on 127.0.0.1."""

import asyncio
import socket
import threading
import time
import tracemalloc

import pytest

from interop.hl7 import send_messages
from interop.hl7.framing import END, START, frame
from tests.interop.mllp import (
    accept_all,
    ack_of,
    connect,
    corpus,
    field,
    message,
    read_frame,
    send,
)


def test_pipelined_messages_on_one_connection_are_answered_in_order(listener):
    server = listener()
    controls = [f"C{n:04}" for n in range(50)]
    with connect(server) as sock:
        send(sock, *(message(control) for control in controls))
        acks = [ack_of(read_frame(sock)) for _ in controls]
    assert [str(ack["MSA.F2"]) for ack in acks] == controls
    assert {str(ack["MSA.F1"]) for ack in acks} == {"AA"}


def test_the_library_client_gets_one_ack_per_message(listener):
    server = listener()
    controls = [f"L{n:03}" for n in range(20)]
    acks = asyncio.run(send_messages(*server.address, [message(c) for c in controls]))
    assert [str(ack_of(ack)["MSA.F2"]) for ack in acks] == controls


def test_concurrent_connections_are_each_answered(listener):
    server = listener(handler_threads=4)

    async def many() -> list[list[bytes]]:
        return await asyncio.gather(
            *(
                send_messages(*server.address, [message(f"K{c}-{n}") for n in range(5)])
                for c in range(25)
            )
        )

    answers = asyncio.run(many())
    for connection, acks in enumerate(answers):
        expected = [f"K{connection}-{n}" for n in range(5)]
        assert [str(ack_of(ack)["MSA.F2"]) for ack in acks] == expected


def test_a_silent_connection_is_closed_after_the_idle_timeout(listener):
    server = listener(idle_timeout=0.3)
    with connect(server, timeout=10) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""
    assert 0.25 <= time.monotonic() - started < 10


def test_an_oversized_frame_gets_ar_without_being_held_in_memory(listener):
    server = listener(max_message_bytes=1024 * 1024)
    head = message("BIG1").rstrip(b"\r") + b"\rNTE|1||"
    filler = b"x" * 65536
    tracemalloc.start()
    try:
        with connect(server, timeout=30) as sock:
            sock.sendall(START + head)
            for _ in range(20 * 16):  # 20 MB
                sock.sendall(filler)
            sock.sendall(END)
            ack = ack_of(read_frame(sock))
            # The connection keeps serving once the big frame is answered.
            send(sock, message("AFTER"))
            after = ack_of(read_frame(sock))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(ack["MSA.F1"]) == "AR"
    assert str(ack["MSA.F2"]) == "BIG1"
    assert "over the 1048576-byte limit" in str(ack["MSA.F3"])
    assert str(after["MSA.F2"]) == "AFTER"
    assert peak < 6 * 1024 * 1024, f"peak {peak} bytes while receiving 20 MB"


def test_noise_before_a_frame_is_dropped_and_the_frame_answered(listener):
    server = listener()
    with connect(server) as sock:
        sock.sendall(b"\r\n\x00keepalive\r\n" + frame(message("N1")))
        assert str(ack_of(read_frame(sock))["MSA.F2"]) == "N1"


def test_a_peer_not_speaking_mllp_is_hung_up_on(listener):
    server = listener(max_out_of_frame_bytes=1024)
    with connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: feed\r\n" + b"X-Padding: y\r\n" * 200)
        assert read_frame(sock) is None


def test_a_frame_without_msh_gets_ar_with_a_blank_msa_2(listener):
    server = listener()
    with connect(server) as sock:
        send(sock, b"PID|1||0412345^^^RHH^MR||Citizen^Jane\r")
        ack = ack_of(read_frame(sock))
    assert str(ack["MSA.F1"]) == "AR"
    assert str(ack["MSA.F2"]) == ""
    assert field(ack, "ERR", 2) == "MSH^1"


def test_unusable_separators_get_ar_naming_msh_2(listener):
    server = listener()
    with connect(server) as sock:
        send(sock, corpus("bad_encoding_characters.hl7"))
        ack = ack_of(read_frame(sock))
    assert str(ack["MSA.F1"]) == "AR"
    assert str(ack["MSA.F2"]) == "RHH000910"
    assert field(ack, "ERR", 2) == "MSH^1^2"


def test_a_message_with_line_feeds_between_segments_is_accepted(listener):
    server = listener()
    with connect(server) as sock:
        send(sock, message("LF1").replace(b"\r", b"\n"))
        ack = ack_of(read_frame(sock))
    assert str(ack["MSA.F1"]) == "AA"
    assert str(ack["MSA.F2"]) == "LF1"


def test_an_invalid_date_gets_ae_with_err_naming_the_field(listener):
    server = listener()
    with connect(server) as sock:
        send(sock, message("BADDOB", dob="19801332"))
        ack = ack_of(read_frame(sock))
    assert str(ack["MSA.F1"]) == "AE"
    assert str(ack["MSA.F2"]) == "BADDOB"
    assert field(ack, "ERR", 2) == "PID^1^7"
    assert str(ack["ERR.F3.R1.C1"]) == "102"
    assert str(ack["ERR.F4"]) == "E"
    assert "PID-7" in str(ack["MSA.F3"])


def test_a_handler_returning_none_hangs_up_without_an_ack(listener):
    calls = []

    def database_down(raw: bytes) -> None:
        calls.append(raw)

    server = listener(database_down)
    acks = asyncio.run(send_messages(*server.address, [message("D1"), message("D2")]))
    assert acks == []
    assert len(calls) == 1


def test_a_handler_that_raises_hangs_up_without_an_ack(listener):
    def broken(raw: bytes) -> bytes:
        raise RuntimeError("bug")

    server = listener(broken)
    with connect(server) as sock:
        send(sock, message("X1"))
        assert read_frame(sock) is None


def test_a_slow_sender_does_not_hold_up_another_connection(listener):
    server = listener()
    slow_message = frame(message("SLOW"))
    with connect(server) as slow, connect(server) as quick:
        # Half a frame, a byte at a time, then nothing for now.
        for byte in slow_message[: len(slow_message) // 2]:
            slow.sendall(bytes([byte]))
        send(quick, message("QUICK"))
        assert str(ack_of(read_frame(quick))["MSA.F2"]) == "QUICK"
        slow.sendall(slow_message[len(slow_message) // 2 :])
        assert str(ack_of(read_frame(slow))["MSA.F2"]) == "SLOW"


def test_stopping_refuses_new_connections_and_answers_the_message_in_flight(listener):
    entered, release = threading.Event(), threading.Event()

    def slow_handler(raw: bytes) -> bytes:
        entered.set()
        release.wait(timeout=30)
        return accept_all(raw)

    server = listener(slow_handler)
    with connect(server) as busy, connect(server) as waiting:
        send(busy, message("INFLIGHT"))
        assert entered.wait(timeout=10)
        server.stop().result(timeout=10)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(server.address, timeout=5)
        # A connection waiting for its next message is hung up on at once.
        assert waiting.recv(1) == b""
        release.set()
        ack = ack_of(read_frame(busy))
        assert str(ack["MSA.F2"]) == "INFLIGHT"
        assert busy.recv(1) == b""
