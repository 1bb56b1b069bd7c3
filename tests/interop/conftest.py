"""Fixtures for the interop tests: a real PACS (Orthanc) and MLLP listeners.

None of them needs the database but the PACS tests' own (tests/interop/pacs_fixtures.py:
a destination and a photo): nothing else here is marked django_db, and the project-wide
autouse fixtures in tests/conftest.py only touch settings, the local-memory cache and
Celery's config, none of which opens a connection.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from interop.hl7 import MllpServer
from tests.interop.mllp import running_listener
from tests.interop.pacs_fixtures import (  # noqa: F401  (the PACS tests' fixtures)
    destination,
    forearm_photo,
    jpeg_original,
)

if TYPE_CHECKING:
    from tests.orthanc import Orthanc


@pytest.fixture(scope="session")
def orthanc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator["Orthanc"]:
    """One Orthanc for the session, on free loopback ports, stopped at the end."""
    from tests.orthanc import running_orthanc

    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture
def pacs(orthanc_server: "Orthanc") -> "Orthanc":
    """The session's Orthanc, emptied: a test sees only the instances it sent."""
    orthanc_server.empty()
    return orthanc_server


@pytest.fixture
def listener() -> Iterator[Callable[..., MllpServer]]:
    """Start listeners (handler, options) on ephemeral ports; all stop after the test."""
    with ExitStack() as stack:

        def start(*args: Any, **options: Any) -> MllpServer:
            return stack.enter_context(running_listener(*args, **options))

        yield start
