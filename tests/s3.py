"""S3 over real HTTP for tests: moto's server on 127.0.0.1, and the settings that reach it.

The S3 options are the ones config/settings.py builds from the environment
(STORAGE_BACKEND=s3 and AWS_*), read from a fresh interpreter given the same environment a
real worker gets, so tests check the configuration a deployment gets rather than a
hand-made copy of it. The `s3_server` fixture (tests/conftest.py) starts one per session.
"""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from tests.config.processes import ENTRY, clean_env, run

REGION = "ap-southeast-2"
# moto accepts any credentials; these exist only inside the test's own server.
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
PROBE = (
    ENTRY + "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default']))"
)


def s3_environment(endpoint_url: str, bucket: str) -> dict[str, str]:
    """The variables a deployment sets to keep its objects in bucket on this server."""
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }


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

    def environment(self, bucket: str) -> dict[str, str]:
        return s3_environment(self.endpoint_url, bucket)

    def new_bucket(self) -> str:
        """An empty bucket of its own, so a test sees exactly the objects it made."""
        bucket = f"custodian-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return bucket

    def names_in(self, bucket: str) -> set[str]:
        """Every object name in the bucket, read around Django's storage API."""
        listing = self.client().list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def stored_bytes(self, bucket: str, name: str) -> bytes:
        """An object exactly as the bucket holds it, before the app decrypts anything."""
        body: bytes = self.client().get_object(Bucket=bucket, Key=name)["Body"].read()
        return body


def _storage_from_settings(endpoint_url: str, data_dir: Path) -> dict[str, Any]:
    """The default storage that config/settings.py builds for STORAGE_BACKEND=s3."""
    env = clean_env(data_dir, **s3_environment(endpoint_url, "custodian-probe"))
    done = run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    storage: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return storage


@contextmanager
def running_s3_server(data_dir: Path) -> Iterator[S3Server]:
    """An S3-compatible server on a free port of 127.0.0.1, stopped on leaving."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield S3Server(
            endpoint_url=endpoint,
            settings_storage=_storage_from_settings(endpoint, data_dir),
        )
    finally:
        server.stop()


def store_in(settings: Any, server: S3Server, bucket: str) -> None:
    """Point this process's default storage at bucket, as the environment would."""
    configured = server.settings_storage
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **configured,
            "OPTIONS": {**configured["OPTIONS"], "bucket_name": bucket},
        },
    }
