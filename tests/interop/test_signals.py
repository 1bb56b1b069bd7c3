"""SIGTERM stops the listener gracefully: no new connections, the message in flight answered."""

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.interop.mllp import ack_of, message, read_frame, send

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_answers_the_message_in_flight_then_exits_cleanly():
    with subprocess.Popen(
        [sys.executable, "-m", "tests.interop.listener_process"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            _stop_with_a_message_in_flight(process)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)


def _stop_with_a_message_in_flight(process: subprocess.Popen[str]) -> None:
    address = _listening_address(process)
    with socket.create_connection(address, timeout=10) as sock:
        send(sock, message("SLOW"))
        assert process.stdout.readline().strip() == "handling"
        process.send_signal(signal.SIGTERM)
        assert "stopping" in process.stderr.readline()
        _assert_refused(address)
        process.stdin.write("go on\n")
        process.stdin.flush()
        ack = ack_of(read_frame(sock))
    assert str(ack["MSA.F1"]) == "AA"
    assert str(ack["MSA.F2"]) == "SLOW"
    assert process.wait(timeout=30) == 0
    assert process.stdout.read().strip() == "stopped"


def _listening_address(process: subprocess.Popen[str]) -> tuple[str, int]:
    line = process.stderr.readline()
    found = re.search(r"listener on ([\d.]+):(\d+)", line)
    assert found, f"unexpected first line from the listener: {line!r}"
    return found.group(1), int(found.group(2))


def _assert_refused(address: tuple[str, int]) -> None:
    # The "stopping" line is logged after the listening socket is closed.
    try:
        socket.create_connection(address, timeout=5).close()
    except ConnectionRefusedError:
        return
    raise AssertionError("the listener still accepts connections while stopping")
