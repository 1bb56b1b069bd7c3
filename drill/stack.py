"""The pieces a drill scenario runs against: databases, an S3 server, the app, its API.

Every process the drill starts is the real one: `manage.py` commands, gunicorn serving
config.wsgi, with the environment a deployment sets (docs/deployment.md). Databases are
the drill's own (DRILL_DATABASE_PREFIX, default custodian_drill) on the local
PostgreSQL; objects go to moto's S3 server over real HTTP, as in the storage tests.
"""

import base64
import hashlib
import io
import json
import logging
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from moto.server import ThreadedMotoServer
from PIL import Image

from tests.config.processes import clean_env
from tests.s3 import S3Server, s3_environment

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
PREFIX = os.environ.get("DRILL_DATABASE_PREFIX", "custodian_drill")
REDIS_URL = os.environ.get("DRILL_REDIS_URL", "redis://127.0.0.1:6379/3")
DATA_DIR = ROOT / "var" / "drill"
DEMO_PASSWORD = "custodian-demo"  # noqa: S105 - the drill seeds the demo users


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def fresh_database(name: str) -> str:
    """An empty database of the drill's own; its URL."""
    assert name.startswith(PREFIX), name
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop_database(name: str) -> None:
    assert name.startswith(PREFIX), name
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class S3:
    """moto's S3 server on a free port of 127.0.0.1, reached as the tests reach it."""

    def __init__(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def __enter__(self) -> "S3":
        # Its request log would drown the drill's own lines.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self.reach = S3Server(endpoint_url=self.endpoint_url, settings_storage={})
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def new_bucket(self) -> str:
        return self.reach.new_bucket()

    def names(self, bucket: str) -> list[str]:
        pages = (
            self.reach.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        )
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def copy_bucket(self, source: str, target: str) -> int:
        """Copy every object (as stored: still encrypted by the app); how many."""
        client = self.reach.client()
        names = self.names(source)
        for name in names:
            client.copy_object(
                Bucket=target, Key=name, CopySource={"Bucket": source, "Key": name}
            )
        return len(names)


@dataclass
class Site:
    """One installation's settings: its databases, bucket and keys."""

    name: str
    s3: S3
    bucket: str
    master_key_file: Path
    secret_key: str
    keys_apart: bool = True
    extra: dict[str, str] = field(default_factory=dict)
    # Where the app reaches them (a drill.faultproxy in between, if set).
    s3_endpoint: str = ""
    pg: str = PG

    @property
    def database(self) -> str:
        return f"{PREFIX}_{self.name}"

    @property
    def keys_database(self) -> str:
        return f"{PREFIX}_{self.name}_keys"

    def env(self) -> dict[str, str]:
        env = clean_env(
            DATA_DIR / self.name,
            **s3_environment(self.s3_endpoint or self.s3.endpoint_url, self.bucket),
            DATABASE_URL=f"{self.pg}/{self.database}",
            DJANGO_SECRET_KEY=self.secret_key,
            CUSTODIAN_MASTER_KEY_FILE=str(self.master_key_file),
            CUSTODIAN_MFA_REQUIRED="0",
            CUSTODIAN_HTTPS="false",
            # One cache for every gunicorn worker; tasks run inline (no broker).
            CACHE_URL=REDIS_URL,
            AWS_S3_SSE="",
            **self.extra,
        )
        if self.keys_apart:
            env["CUSTODIAN_KEYS_DATABASE_URL"] = f"{self.pg}/{self.keys_database}"
        return env

    def create_databases(self) -> None:
        fresh_database(self.database)
        if self.keys_apart:
            fresh_database(self.keys_database)

    def drop_databases(self) -> None:
        drop_database(self.database)
        if self.keys_apart:
            drop_database(self.keys_database)

    def manage(
        self, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self.python("manage.py", *args, check=check)

    def python(
        self, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    def step(self, *args: str) -> Any:
        """A drill step run as Django code in a process of its own (drill.steps)."""
        done = self.python("-m", "drill.steps", *args)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def migrate(self) -> None:
        self.manage("migrate", "--no-input", "-v", "0")
        if self.keys_apart:
            self.manage("migrate", "--no-input", "-v", "0", "--database", "keys")


def new_keys(directory: Path) -> tuple[Path, str]:
    """A throwaway master key (as a file, like a secrets manager writes) and secret key."""
    directory.mkdir(parents=True, exist_ok=True)
    key_file = directory / "master.key"
    if not key_file.exists():
        key_file.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
        key_file.chmod(0o600)
    return key_file, "drill-only-" + secrets.token_urlsafe(40)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(site: Site, workers: int = 2) -> Iterator["Api"]:
    """gunicorn serving the site until leaving; yields its API once /readyz says ready."""
    port = _free_port()
    log = (DATA_DIR / f"{site.name}-gunicorn.log").open("ab")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=site.env(),
        stdout=log,
        stderr=log,
    )
    api = Api(f"http://127.0.0.1:{port}")
    try:
        api.wait_ready(process)
        yield api
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class Api:
    """The REST API as a client sees it, over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def wait_ready(self, process: subprocess.Popen[bytes], limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited before it was ready")
            try:
                if requests.get(f"{self.base}/readyz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("the app did not become ready in time")

    def readiness(self) -> tuple[int, dict[str, str]]:
        """/readyz's status and what it says of each dependency."""
        try:
            answer = requests.get(f"{self.base}/readyz", timeout=10)
        except requests.RequestException as error:
            return 0, {"error": type(error).__name__}
        return answer.status_code, answer.json()

    def watch_readiness(self, seconds: float) -> list[str]:
        """Ask /readyz twice a second for seconds: "STATUS what is down" each time."""
        said: list[str] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = self.readiness()
            down = [
                k
                for k, v in body.items()
                if k != "status" and str(v).startswith("unavailable")
            ]
            said.append(f"{status} {','.join(down) or 'nothing down'}")
            time.sleep(0.5)
        return said

    def token(self, username: str) -> str:
        answer = requests.post(
            f"{self.base}/api/token/",
            data={"username": username, "password": DEMO_PASSWORD},
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["token"])

    def upload(
        self, token: str, patient: str, data: bytes, key: str
    ) -> requests.Response:
        return self.session.post(
            f"{self.base}/api/patients/{patient}/images/",
            headers={"Authorization": f"Token {token}", "Idempotency-Key": key},
            files={"file": ("photo.jpg", data, "image/jpeg")},
            data={
                "captured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "capture_mode": "hospital_camera",
                "consent_kind": "verbal",
                "consent_purposes": "care",
            },
            timeout=30,
        )

    def original(self, token: str, image: str) -> requests.Response:
        return self.session.get(
            f"{self.base}/api/images/{image}/original/",
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )


def photo(rng: random.Random) -> bytes:
    """A small JPEG unlike any other (random pixels), so no two uploads are duplicates."""
    image = Image.frombytes("RGB", (48, 48), rng.randbytes(48 * 48 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
