"""A real PACS (Orthanc) for the DICOM tests; none of them needs the database."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

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
