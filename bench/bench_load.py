"""Load test: Locust against `make run-stack` (gunicorn, Celery workers, PostgreSQL, Redis).

The stack is scripts/run-stack.sh itself, started on a free port against the bench database
with the bench's keys, so what is stored here can be read there and checked afterwards.
The mix (bench/locustfile.py): ward staff open their patients' galleries and photos and
search by name; records managers open the retention dashboard and access reports and look
up MRNs; phones upload 12-megapixel photos through the API. Users step up (LOAD_STEPS,
default 4 8 16 32 64 128, LOAD_STEP_SECONDS each, default 30) until the p95 of all requests
passes 200 ms or any request fails; the last step under both is the figure, beside /healthz
asked as fast as the same client can on the same stack. Afterwards the Celery workers
finish the derivatives, the stack stops, verify_storage checks every image stored since
the run began, and every upload's receipt must name an active image.

Needs Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/3) is the stack's broker and
shared cache. BENCH_PATIENTS / BENCH_IMAGES size the dataset (a few thousand patients is
enough: the ward staff's patients have real photos, made here).
"""

import csv
import http.client
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db.models import Count, Max, Q
from django.test import Client
from PIL import Image

from accounts.roles import Role
from bench.common import Figure, fact
from bench.datagen import Dataset, bench_dataset
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from records.models import FacilityAssignment, Patient, StaffMembership, Ward

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
P95_LIMIT_MS = 200.0
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "4 8 16 32 64 128").split()]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "30"))
HEALTH_USERS = int(os.environ.get("LOAD_HEALTH_USERS", "16"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
WARD_PATIENTS = 24
PHOTOS_EACH = 2
ACCOUNTS = (
    16  # of each kind: sessions and tokens are shared round-robin by Locust users
)
MIX = ["WardStaff", "RecordsManager", "Phone"]


def _jpeg(size: tuple[int, int], quality: int = 80) -> bytes:
    im = Image.merge("RGB", [Image.effect_noise(size, 10) for _ in range(3)])
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _distinct(jpeg: bytes) -> bytes:
    """The same pixels, a distinct file: a comment segment after the JPEG's start."""
    tag = os.urandom(16)
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + jpeg[2:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accounts(prefix: str, role: Role, password: str) -> list[User]:
    group = Group.objects.get(name=role)
    users = []
    for n in range(ACCOUNTS):
        user, _ = User.objects.get_or_create(username=f"load.{prefix}.{n:02d}")
        user.groups.add(group)
        user.set_password(password)
        user.save(update_fields=["password"])
        users.append(user)
    return users


def _ward_patients(data: Dataset, nurses: list[User]) -> list[Patient]:
    """Patients on a ward now, each with real photos, and the nurses on those wards."""
    patients = list(
        Patient.objects.filter(mrn__startswith="B", encounters__ended_at__isnull=True)
        .exclude(pk=data.heavy_patient.pk)
        .distinct()
        .order_by("pk")[:WARD_PATIENTS]
    )
    wards = Ward.objects.filter(
        encounters__patient__in=patients, encounters__ended_at__isnull=True
    ).distinct()
    for nurse in nurses:
        for ward in wards:
            StaffMembership.objects.get_or_create(user=nurse, ward=ward)
    photo = _jpeg((1600, 1200))
    real = ~Q(images__storage_name__startswith="bench/")
    have = dict(
        Patient.objects.filter(pk__in=[p.pk for p in patients])
        .annotate(n=Count("images", filter=real))
        .values_list("pk", "n")
    )
    for patient in patients:
        for _ in range(PHOTOS_EACH - have.get(patient.pk, 0)):
            capture_image(
                actor=nurses[0],
                patient=patient,
                upload=io.BytesIO(_distinct(photo)),
                details=CaptureDetails(
                    capture_mode="hospital_camera", consent_kind="verbal"
                ),
                channel=ClinicalImage.Channel.API,
            )
    return patients


def _session(user: User) -> str:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


@contextmanager
def _stack(log: Path) -> Iterator[str]:
    """scripts/run-stack.sh on a free port with the bench's database and keys."""
    data_dir = Path(os.environ["CUSTODIAN_DATA_DIR"])
    # run-stack.sh takes its keys from the data folder: the bench's own, so what the
    # bench stores the stack can read, and the bench's sessions are the stack's.
    (data_dir / "secret_key").write_text(os.environ["DJANGO_SECRET_KEY"] + "\n")
    master = Path(os.environ["CUSTODIAN_MASTER_KEY_FILE"]).read_text()
    (data_dir / "master.key").write_text(master)
    port = _free_port()
    env = {
        **os.environ,
        "STACK_BIND": f"127.0.0.1:{port}",
        "CUSTODIAN_HL7_BIND": f"127.0.0.1:{_free_port()}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
    }
    env.pop("CUSTODIAN_MASTER_KEY_FILE")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(ROOT / "scripts" / "run-stack.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(port, proc, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            # run-stack.sh's trap stops gunicorn, the workers, beat and the listener.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the stack exited: see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the stack was not ready in 5 minutes: see {log}")


def _token(base: str, username: str, password: str) -> str:
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    body = json.dumps({"username": username, "password": password, "device": "Load"})
    conn.request("POST", "/api/token/", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = response.read()
    if response.status != 200:
        raise RuntimeError(f"POST /api/token/ answered {response.status}: {answer!r}")
    return str(json.loads(answer)["token"])


def _locust(
    base: str, work: Path, name: str, users: int, seconds: int, classes: list[str]
) -> dict[str, dict[str, str]]:
    """One headless Locust run; its stats rows by name (with "Aggregated")."""
    prefix = work / name
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            base,
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_PLAN": str(work / "plan.json")},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with (work / f"{name}_stats.csv").open() as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def _wait_for_derivatives(receipts: list[str]) -> None:
    """The Celery workers make each upload's thumbnail and preview; wait for them."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        pending = (
            ClinicalImage.objects.filter(public_id__in=receipts)
            .annotate(n=Count("derivatives"))
            .filter(n__lt=2)
            .count()
        )
        if not pending:
            return
        time.sleep(2)
    raise RuntimeError(f"{pending} uploads still lack derivatives after 5 minutes")


def run() -> list[Figure]:
    data = bench_dataset()
    password = os.urandom(18).hex()
    nurses = _accounts("nurse", Role.WARD_STAFF, password)
    managers = _accounts("manager", Role.RECORDS_MANAGER, password)
    for manager in managers:
        for facility_id in FacilityAssignment.objects.filter(
            user=data.records_manager
        ).values_list("facility_id", flat=True):
            FacilityAssignment.objects.get_or_create(
                user=manager, facility_id=facility_id
            )
    # verify_storage checks the images stored from here on (datagen's rows have no bytes).
    before = ClinicalImage.objects.aggregate(m=Max("pk"))["m"] or 0
    patients = _ward_patients(data, nurses)
    real = ClinicalImage.objects.active().exclude(storage_name__startswith="bench/")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "photo.jpg").write_bytes(_jpeg((4032, 3024)))
        receipts_file = work / "receipts.txt"
        receipts_file.touch()
        os.environ["LOAD_RECEIPTS"] = str(receipts_file)
        plan = {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "nurse_sessions": [_session(u) for u in nurses],
            "manager_sessions": [_session(u) for u in managers],
            "photo": str(work / "photo.jpg"),
            "ward_patients": [
                {
                    "id": str(p.public_id),
                    "images": [
                        str(i)
                        for i in real.filter(patient=p).values_list(
                            "public_id", flat=True
                        )
                    ],
                }
                for p in patients
            ],
            "name_prefixes": sorted({p.family_name[:4] for p in patients}),
            "mrns": [p.mrn for p in patients],
        }
        steps: list[tuple[int, dict[str, dict[str, str]]]] = []
        with _stack(ROOT / "var" / "bench-load-stack.log") as base:
            plan["phone_tokens"] = [_token(base, u.username, password) for u in nurses]
            (work / "plan.json").write_text(json.dumps(plan))
            health = _locust(base, work, "healthz", HEALTH_USERS, 20, ["HealthCheck"])
            for users in STEPS:
                stats = _locust(base, work, f"step{users}", users, STEP_SECONDS, MIX)
                steps.append((users, stats))
                total = stats["Aggregated"]
                print(
                    f"  {users} users: {float(total['Requests/s']):.1f} req/s, "
                    f"p95 {total['95%']} ms, {total['Failure Count']} failures",
                    flush=True,
                )
                if float(total["95%"]) > P95_LIMIT_MS or int(total["Failure Count"]):
                    break
            receipts = receipts_file.read_text().split()
            _wait_for_derivatives(receipts)
        uploads_sent = sum(
            int(s.get("upload (phone API)", {}).get("Request Count", 0))
            for _, s in steps
        )
    call_command("verify_storage", after=before)
    present = ClinicalImage.objects.active().filter(public_id__in=receipts).count()
    if present != len(receipts) or len(receipts) != uploads_sent:
        raise RuntimeError(
            f"{uploads_sent} uploads sent, {len(receipts)} receipts, {present} present"
        )
    return _figures(steps, health, present)


def _figures(
    steps: list[tuple[int, dict[str, dict[str, str]]]],
    health: dict[str, dict[str, str]],
    verified: int,
) -> list[Figure]:
    def good(stats: dict[str, dict[str, str]]) -> bool:
        total = stats["Aggregated"]
        return float(total["95%"]) <= P95_LIMIT_MS and not int(total["Failure Count"])

    passing = [(u, s) for u, s in steps if good(s)]
    errors = sum(int(s["Aggregated"]["Failure Count"]) for _, s in passing)
    health_rps = float(health["Aggregated"]["Requests/s"])
    health_p95 = float(health["Aggregated"]["95%"])
    figures = [
        fact(
            "load: /healthz requests/s",
            health_rps,
            "req/s",
            f"{HEALTH_USERS} users asking with no pause, same stack and client",
        )
    ]
    if not passing:
        users, stats = steps[0]
        figures.append(
            fact(
                "load: first step already over",
                users,
                "users",
                f"p95 {stats['Aggregated']['95%']} ms, "
                f"{stats['Aggregated']['Failure Count']} failures",
            )
        )
        return figures
    users, stats = passing[-1]
    total = stats["Aggregated"]
    figures += [
        Figure(
            "load: requests/s at p95 ≤ 200 ms",
            float(total["Requests/s"]),
            "req/s",
            health_rps,
            "/healthz req/s, same stack and client",
        ),
        Figure(
            "load: p95 at that step",
            float(total["95%"]),
            "ms",
            health_p95,
            "/healthz p95 at full speed",
        ),
        fact(
            "load: users at that step",
            users,
            "users",
            "Locust users, think time 1 to 15 s",
        ),
        fact("load: errors up to that step", errors, "requests", "failed requests"),
    ]
    for name, row in sorted(stats.items()):
        if name != "Aggregated":
            figures.append(
                fact(
                    f"load: p95 {name}",
                    float(row["95%"]),
                    "ms",
                    f"{row['Request Count']} requests",
                )
            )
    if len(steps) > len(passing):
        over_users, over = steps[len(passing)]
        figures.append(
            fact(
                "load: next step (over the limit)",
                float(over["Aggregated"]["95%"]),
                "ms",
                f"p95 at {over_users} users, {float(over['Aggregated']['Requests/s']):.1f} req/s, "
                f"{over['Aggregated']['Failure Count']} failures",
            )
        )
    figures.append(
        fact(
            "load: uploads verified",
            verified,
            "images",
            "every receipt an active image; verify_storage clean",
        )
    )
    return figures
