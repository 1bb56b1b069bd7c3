"""The storage suite runs twice: on local files and on S3 over real HTTP (moto's server).

The server and the S3 options it is reached with come from tests/s3.py, shared with the
real-worker tests.
"""

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.s3 import S3Server, store_in


@dataclass(frozen=True)
class Backend:
    """The storage a test runs on: which kind, and where its objects can be seen."""

    kind: str
    bucket: str = ""
    server: S3Server | None = None

    def raw_names(self, location: Path) -> set[str]:
        """Every object name in the store, read around Django's storage API."""
        if self.server is None:
            return {
                path.relative_to(location).as_posix()
                for path in location.rglob("*")
                if path.is_file()
            }
        return self.server.names_in(self.bucket)


def _use_s3(settings: Any, server: S3Server) -> Backend:
    bucket = server.new_bucket()
    store_in(settings, server, bucket)
    return Backend(kind="s3", bucket=bucket, server=server)


@pytest.fixture(params=["filesystem", "s3"])
def backend(
    request: pytest.FixtureRequest,
    settings: Any,
    _isolated_storage: None,
) -> Backend:
    """Run the test once on local files and once on S3 over HTTP."""
    if request.param == "filesystem":
        return Backend(kind="filesystem")
    return _use_s3(settings, request.getfixturevalue("s3_server"))


@pytest.fixture
def s3(settings: Any, s3_server: S3Server, _isolated_storage: None) -> Backend:
    """S3 only: for what local files do not have (multipart uploads, ACLs)."""
    return _use_s3(settings, s3_server)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def store_unreachable(settings: Any) -> dict[str, Any]:
    """Point the store at a closed port; return the working STORAGES to restore."""
    from botocore.config import Config

    working = settings.STORAGES
    storage = working["default"]
    settings.STORAGES = {
        **working,
        "default": {
            **storage,
            "OPTIONS": {
                **storage["OPTIONS"],
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                # One attempt, so the test takes no backoff; the refusal is the same.
                "client_config": Config(
                    signature_version="s3v4", retries={"max_attempts": 1}
                ),
            },
        },
    }
    return dict(working)
