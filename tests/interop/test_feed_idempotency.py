"""A repeated message changes nothing, even racing itself; a database that is down gets no ACK."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from audit.models import AuditEvent
from interop.feed.services import handle
from interop.hl7 import MllpServer
from interop.models import FeedMessage
from records.models import Encounter, Patient
from tests.interop.feedkit import code_of, exchange, harbour, unanswered
from tests.interop.mllp import ack_of, connect, corpus, read_frame, send

pytestmark = pytest.mark.django_db(transaction=True)

Start = Callable[..., MllpServer]
COPIES = 2


@pytest.fixture
def feed(listener: Start) -> MllpServer:
    harbour()
    return listener(handle)


def _race(server: MllpServer, payload: bytes) -> list[bytes | None]:
    """Send the same message on COPIES connections at once; their answers."""
    sockets = [connect(server) for _ in range(COPIES)]
    answers: list[bytes | None] = [None] * COPIES
    start = threading.Barrier(COPIES)

    def one(index: int) -> None:
        start.wait()
        send(sockets[index], payload)
        answers[index] = read_frame(sockets[index])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for sock in sockets:
        sock.close()
    return answers


def _two_copies_at_once_apply_once(feed: MllpServer) -> None:
    answers = _race(feed, corpus("a01_admit_5a_mrn_ihi_medicare.hl7"))

    assert answers[0] is not None
    assert answers[0] == answers[1]
    assert code_of(ack_of(answers[0])) == "AA"
    assert Patient.objects.count() == 1
    assert Encounter.objects.count() == 1
    assert FeedMessage.objects.count() == 1
    assert AuditEvent.objects.count() == 2


def test_two_copies_at_once_on_two_connections_apply_once_and_get_one_ack(
    feed: MllpServer,
) -> None:
    _two_copies_at_once_apply_once(feed)


@pytest.mark.postgres
def test_two_copies_at_once_on_postgresql_apply_once_and_get_one_ack(
    feed: MllpServer,
) -> None:
    assert connection.vendor == "postgresql", "set DATABASE_URL to PostgreSQL"
    _two_copies_at_once_apply_once(feed)


@contextmanager
def database_down() -> Iterator[None]:
    """New connections fail (every thread's settings are the same dict) until restored."""
    settings = connection.settings_dict
    saved = dict(settings)
    if connection.vendor == "postgresql":
        settings["PORT"] = "1"
    else:
        settings["NAME"] = "/nonexistent/custodian/db.sqlite3"
    try:
        yield
    finally:
        settings.clear()
        settings.update(saved)


def test_a_database_that_is_down_gets_no_ack_and_the_resend_is_applied(
    feed: MllpServer,
) -> None:
    admission = corpus("a01_admit_5a_mrn_ihi_medicare.hl7")
    with database_down():
        # The handler closes its connection first (stale), so it must reconnect: it fails.
        assert unanswered(feed, admission.replace(b"RHH000101", b"DOWN0001"))
        assert unanswered(feed, admission)

    (ack,) = exchange(feed, admission)

    assert code_of(ack) == "AA"
    assert Encounter.objects.count() == 1
    assert FeedMessage.objects.count() == 1
