"""The load test's users, run by Locust as a subprocess of bench_load (never imported by it).

LOAD_PLAN names a JSON file bench_load wrote: the stack's sessions and tokens, the ward
patients and their images, the search terms and the phone photo. Uploads append their
receipt (the image's id) to LOAD_RECEIPTS, so bench_load can check each one afterwards.
Locust monkey-patches with gevent, which is why this runs in its own process.
"""

import itertools
import json
import os
import random
import struct
import uuid
from datetime import UTC, datetime
from pathlib import Path

from locust import HttpUser, between, constant, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RECEIPTS = Path(os.environ["LOAD_RECEIPTS"])
PHOTO = Path(PLAN["photo"]).read_bytes()
_nurse_sessions = itertools.cycle(PLAN["nurse_sessions"])
_manager_sessions = itertools.cycle(PLAN["manager_sessions"])
_tokens = itertools.cycle(PLAN["phone_tokens"])


def _signed_in(user: HttpUser, session: str) -> None:
    user.client.cookies.set(PLAN["session_cookie"], session)


class WardStaff(HttpUser):
    """A nurse at the ward computer: her patients' galleries, their photos, a search."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self) -> None:
        _signed_in(self, next(_nurse_sessions))

    @task(3)
    def gallery(self) -> None:
        patient = random.choice(PLAN["ward_patients"])
        self.client.get(f"/patients/{patient['id']}/", name="gallery (ward staff)")

    @task(3)
    def open_image(self) -> None:
        patient = random.choice(PLAN["ward_patients"])
        image = random.choice(patient["images"])
        self.client.get(f"/images/{image}/", name="image page")
        self.client.get(f"/images/{image}/preview/", name="image preview")

    @task(2)
    def search(self) -> None:
        self.client.get(
            "/patients/",
            params={"q": random.choice(PLAN["name_prefixes"])},
            name="patient search (ward staff)",
        )


class RecordsManager(HttpUser):
    """A records manager: the retention dashboard, access reports, an MRN lookup."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        _signed_in(self, next(_manager_sessions))

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/retention/", name="retention dashboard")

    @task(1)
    def reports(self) -> None:
        self.client.get("/audit/", name="access reports")

    @task(2)
    def search(self) -> None:
        self.client.get(
            "/patients/",
            params={"q": random.choice(PLAN["mrns"])},
            name="patient search by MRN (records manager)",
        )


class Phone(HttpUser):
    """A clinician's phone uploading a 12-megapixel photo now and then."""

    weight = 1
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.auth = f"Token {next(_tokens)}"

    @task
    def upload(self) -> None:
        patient = random.choice(PLAN["ward_patients"])
        tag = uuid.uuid4().bytes
        # The same pixels, a distinct file: a comment segment after the JPEG's start.
        photo = (
            PHOTO[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + PHOTO[2:]
        )
        with self.client.post(
            f"/api/patients/{patient['id']}/images/",
            data={
                "captured_at": datetime.now(UTC).isoformat(),
                "capture_mode": "personal_mobile",
                "consent_kind": "verbal",
                "consent_purposes": "care",
            },
            files={"file": ("photo.jpg", photo, "image/jpeg")},
            headers={"Authorization": self.auth, "Idempotency-Key": str(uuid.uuid4())},
            name="upload (phone API)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"upload answered {response.status_code}")
                return
            with RECEIPTS.open("a") as out:
                out.write(f"{response.json()['id']}\n")


class HealthCheck(HttpUser):
    """/healthz as fast as the client can ask: what the stack does for no work at all."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
