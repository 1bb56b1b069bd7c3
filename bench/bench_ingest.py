"""Ingest throughput for 2 MB phone-sized JPEGs, beside the machine's raw hash-and-copy.

Figures (images/s and MB/s), each beside its floor, `sha256sum` plus `cp` of the same
files (what the disk and CPU do with no application): the ingest service (decode, hash,
encrypt, store, audit) with derivatives queued as with real workers, the same with
derivatives made inline (the embedded mode), and the HTTP API: multipart uploads over a
real loopback socket to a threaded WSGI server running config.wsgi's application, signed
in with a token from POST /api/token/, as a phone would send them. Set
BENCH_INGEST_IMAGES to change the count (default 12).
"""

import http.client
import io
import json
import os
import secrets
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from accounts.rolesync import ensure_roles
from bench.common import Figure
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from records.models import Encounter, Facility, Patient, StaffMembership, Ward

COUNT = int(os.environ.get("BENCH_INGEST_IMAGES", "12"))
MB = 1024 * 1024


def _base_jpeg() -> bytes:
    """A 12-megapixel JPEG of about 2 MB: what a phone sends."""
    size = (4032, 3024)
    im = Image.merge("RGB", [Image.effect_noise(size, 10) for _ in range(3)])
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _variants(base: bytes, count: int) -> list[bytes]:
    """Distinct files (a unique comment segment each) with the same pixels."""
    out = []
    for _ in range(count):
        tag = uuid.uuid4().bytes
        comment = b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag
        out.append(base[:2] + comment + base[2:])
    return out


def _nurse_and_patient(password: str) -> tuple[User, Patient]:
    ensure_roles()
    facility, _ = Facility.objects.get_or_create(
        code="BINGEST",
        defaults={
            "name": "Bench Ingest Hospital",
            "jurisdiction": "NSW",
            "sector": "public",
            "time_zone": "Australia/Sydney",
        },
    )
    ward, _ = Ward.objects.get_or_create(facility=facility, code="BI1", name="Bench")
    nurse, _ = User.objects.get_or_create(username="bench.ingest.nurse")
    nurse.groups.add(Group.objects.get(name=Role.WARD_STAFF))
    # A fresh password each run: the API signs in with it to get a token.
    nurse.set_password(password)
    nurse.save(update_fields=["password"])
    StaffMembership.objects.get_or_create(user=nurse, ward=ward)
    patient, created = Patient.objects.get_or_create(
        facility=facility, mrn="BI000001", defaults={"family_name": "Bench"}
    )
    if created:
        Encounter.objects.create(patient=patient, ward=ward, started_at=timezone.now())
    return User.objects.get(pk=nurse.pk), patient


def _rate(
    label: str, files: list[bytes], seconds: float, floor: tuple[float, float]
) -> list[Figure]:
    """images/s and MB/s, beside the floor's (images/s, MB/s) for same-sized files."""
    megabytes = sum(len(f) for f in files) / MB
    return [
        Figure(
            f"{label}: images/s",
            len(files) / seconds,
            "img/s",
            floor[0],
            "sha256sum + cp",
        ),
        Figure(
            f"{label}: MB/s", megabytes / seconds, "MB/s", floor[1], "sha256sum + cp"
        ),
    ]


def _floor(files: list[bytes], work: Path) -> float:
    sources = []
    for index, data in enumerate(files):
        path = work / f"src-{index}.jpg"
        path.write_bytes(data)
        sources.append(path)
    start = time.perf_counter()
    for path in sources:
        subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
        shutil.copyfile(path, work / f"copy-{path.name}")
    return time.perf_counter() - start


def _service(nurse: User, patient: Patient, files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        capture_image(
            actor=nurse,
            patient=patient,
            upload=io.BytesIO(data),
            details=CaptureDetails(
                capture_mode="personal_mobile", consent_kind="verbal"
            ),
            channel=ClinicalImage.Channel.API,
        )
    return time.perf_counter() - start


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No line per request: the bench prints figures, not an access log."""


@contextmanager
def _http_server() -> Iterator[int]:
    """config.wsgi's application on 127.0.0.1 at a free port, served from a thread."""
    from config.wsgi import application

    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(application)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _multipart(data: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body with the photo as "file"; the body and content type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _answer(conn: http.client.HTTPConnection, expected: int) -> bytes:
    response = conn.getresponse()
    body = response.read()
    if response.status != expected:
        raise RuntimeError(f"API answered {response.status}: {body[:500]!r}")
    return body


def _token(conn: http.client.HTTPConnection, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password})
    conn.request("POST", "/api/token/", body, {"Content-Type": "application/json"})
    return str(json.loads(_answer(conn, 200))["token"])


def _api(nurse: User, password: str, patient: Patient, files: list[bytes]) -> float:
    """Seconds to upload the files one after another over one keep-alive connection."""
    url = f"/api/patients/{patient.public_id}/images/"
    with _http_server() as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            auth = f"Token {_token(conn, nurse.username, password)}"
            # Bodies are made first: the figure is the upload, not building the form.
            uploads = [
                _multipart(
                    data,
                    {
                        "captured_at": timezone.now().isoformat(),
                        "capture_mode": "personal_mobile",
                        "consent_kind": "verbal",
                        "consent_purposes": "care",
                    },
                )
                for data in files
            ]
            start = time.perf_counter()
            for body, content_type in uploads:
                headers = {
                    "Authorization": auth,
                    "Content-Type": content_type,
                    "Idempotency-Key": str(uuid.uuid4()),
                }
                conn.request("POST", url, body, headers)
                _answer(conn, 201)
            return time.perf_counter() - start
        finally:
            conn.close()


def _queued(measure: Callable[[], float]) -> float:
    """Run with derivatives queued to an in-memory broker, as real workers would take them."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, "memory://"
    try:
        return measure()
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker


def run() -> list[Figure]:
    base = _base_jpeg()
    password = secrets.token_urlsafe(24)
    nurse, patient = _nurse_and_patient(password)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        media = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(work / "media")},
        }
        from django.conf import settings

        # override_settings changes the settings object itself, not a per-thread copy, so
        # the server thread stores into the same throwaway folder and accepts the host.
        with override_settings(
            STORAGES={**settings.STORAGES, "default": media},
            ALLOWED_HOSTS=["127.0.0.1"],
        ):
            batches = [_variants(base, COUNT) for _ in range(4)]
            raw = _floor(batches[0], work)
            queued = _queued(lambda: _service(nurse, patient, batches[1]))
            inline = _service(nurse, patient, batches[2])
            api = _queued(lambda: _api(nurse, password, patient, batches[3]))
    floor = (COUNT / raw, sum(len(f) for f in batches[0]) / MB / raw)
    figures = _rate("ingest service, derivatives queued", batches[1], queued, floor)
    figures += _rate("ingest service, derivatives inline", batches[2], inline, floor)
    figures += _rate(
        "HTTP API over loopback, derivatives queued", batches[3], api, floor
    )
    return figures
