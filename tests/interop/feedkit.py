"""Helpers of the feed tests: RHH with its wards, and messages sent over real MLLP."""

from typing import Any

from interop.hl7 import MllpServer
from records.models import Facility, Ward
from tests.factories import FacilityFactory, WardFactory
from tests.interop.mllp import ack_of, connect, corpus, read_frame, send


def harbour() -> Facility:
    """RHH as the corpus knows it: wards 5A, BURNS, CHILD, MAT, OPD and ED."""
    rhh = FacilityFactory(code="RHH", name="Royal Harbour Hospital")
    for code in ("5A", "BURNS", "CHILD", "MAT", "OPD", "ED"):
        WardFactory(facility=rhh, code=code, name=f"Ward {code}")
    return rhh


def ward(code: str) -> Ward:
    return Ward.objects.get(facility__code="RHH", code=code)


def exchange(server: MllpServer, *payloads: bytes) -> list[Any]:
    """Send each message on one connection; the parsed ACKs, in order."""
    with connect(server) as sock:
        acks = []
        for payload in payloads:
            send(sock, payload)
            acks.append(ack_of(read_frame(sock)))
        return acks


def exchange_files(server: MllpServer, *names: str) -> list[Any]:
    return exchange(server, *(corpus(name) for name in names))


def raw_exchange(server: MllpServer, payload: bytes) -> bytes | None:
    with connect(server) as sock:
        send(sock, payload)
        return read_frame(sock)


def code_of(ack: Any) -> str:
    return str(ack.segment("MSA")(1))


def unanswered(server: MllpServer, payload: bytes) -> bool:
    """True if the listener hung up instead of acknowledging."""
    try:
        return raw_exchange(server, payload) is None
    except (TimeoutError, ConnectionError):
        return True
