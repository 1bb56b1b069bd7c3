"""The storage suite runs twice: on local files and on S3 over real HTTP (moto's server).

The S3 options are the ones config/settings.py builds from the environment
(STORAGE_BACKEND=s3 and AWS_*), read from a fresh interpreter, so the suite checks the
configuration a deployment gets rather than a hand-made copy of it.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-southeast-2"
# moto accepts any credentials; these exist only inside the test's own server.
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default']))"
)


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    settings_storage: dict[str, Any]

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


def _storage_from_settings(endpoint_url: str, data_dir: Path) -> dict[str, Any]:
    """The default storage that config/settings.py builds for STORAGE_BACKEND=s3."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "STORAGE_BACKEND", "DATABASE_URL", "CUSTODIAN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CUSTODIAN_DATA_DIR=str(data_dir),
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="custodian-probe",
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_ENDPOINT_URL=endpoint_url,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    storage: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return storage


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """An S3-compatible server on a free port of 127.0.0.1, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield S3Server(
            endpoint_url=endpoint,
            settings_storage=_storage_from_settings(
                endpoint, tmp_path_factory.mktemp("s3-probe")
            ),
        )
    finally:
        server.stop()


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
        listing = self.server.client().list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}


def _use_s3(settings: Any, server: S3Server) -> Backend:
    bucket = f"custodian-{uuid.uuid4().hex[:12]}"
    server.client().create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    configured = server.settings_storage
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **configured,
            "OPTIONS": {**configured["OPTIONS"], "bucket_name": bucket},
        },
    }
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
