"""Export bundle build: throughput (MB/s) and peak memory beside sha256sum + zip -0.

Builds a bundle of CUSTODIAN_BENCH_EXPORT_MB (default 2048: a 2 GB bundle) of real
originals through the real ingest and build services, in a throwaway SQLite database
and media folder, then runs sha256sum and zip -0 over the same originals in clear as
the floor. Peak memory is the growth of the build process's resident high-water mark
(VmHWM), measured in a fresh child process that does nothing else. (Not ru_maxrss: Linux
carries that across exec from the parent, here the bench runner holding a million rows.)
The floor's peak is the larger maximum resident set of its two commands as GNU time
(/usr/bin/time, Debian package `time`) reports it: time is a small C program, so what
its child inherits across exec is a megabyte or so, not the runner's rows.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, fact

CHILD = r"""
import io, os, resource, sys, time
from pathlib import Path
import django
os.environ["CUSTODIAN_DATA_DIR"] = sys.argv[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from PIL import Image
from legal import services
from legal.building import build_export_bundle
from accounts.roles import Role
from tests.factories import (EncounterFactory, FacilityFactory, PatientFactory,
    UserFactory, WardFactory, capture, staff_on)
from records.models import FacilityAssignment
target = int(sys.argv[2]) * 1024 * 1024
facility = FacilityFactory(code="BEN")
ward = WardFactory(facility=facility)
nurse = staff_on(ward, username="bench.nurse")
legal = UserFactory(username="bench.legal", role=Role.LEGAL)
FacilityAssignment.objects.create(user=legal, facility=facility)
patient = PatientFactory(facility=facility)
EncounterFactory(patient=patient, ward=ward)
plain = Path(sys.argv[1]) / "plain"
plain.mkdir()
total, n = 0, 0
while total < target:
    noise = Image.effect_noise((3000, 2250), 60 + n % 30).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    data = out.getvalue()
    capture(actor=nurse, patient=patient, data=data)
    (plain / f"{n:05d}.jpg").write_bytes(data)
    total += len(data); n += 1
matter = services.open_matter(actor=legal, reference="BENCH-1", kind="litigation",
                              patients=[patient.public_id])
print(total, n)
"""

# A fresh process, so its memory high-water mark is the build's alone.
BUILD = r"""
import os, sys, time
import django
os.environ["CUSTODIAN_DATA_DIR"] = sys.argv[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth.models import User
from legal import services
from legal.models import ExportBundle
from legal.models import LegalMatter
def high_water_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")
before = high_water_kb()
start = time.perf_counter()
bundle = services.request_export(actor=User.objects.get(username="bench.legal"),
                                 matter=LegalMatter.objects.get(reference="BENCH-1"))
elapsed = time.perf_counter() - start
after = high_water_kb()
bundle = ExportBundle.objects.get(pk=bundle.pk)
print(elapsed, before, after, bundle.size_bytes, bundle.status)
"""


GNU_TIME = "/usr/bin/time"


def _peak_kib(command: list[str], work: Path, cwd: Path) -> int:
    """Run a command under GNU time; its maximum resident set size in KiB."""
    report = work / "time.out"
    subprocess.run(
        [GNU_TIME, "--format=%M", f"--output={report}", *command],
        check=True,
        capture_output=True,
        cwd=cwd,
    )
    return int(report.read_text().split()[-1])


def _floor(folder: Path, work: Path) -> tuple[float, int]:
    """Seconds for sha256sum and zip -0 over the originals, and the larger peak (KiB)."""
    start = time.perf_counter()
    files = sorted(str(p) for p in folder.iterdir())
    hashed = _peak_kib(["sha256sum", *files], work, folder)
    zipped = _peak_kib(
        ["zip", "-0", "-q", str(work / "floor.zip"), *files], work, folder
    )
    return time.perf_counter() - start, max(hashed, zipped)


def _child(script: str, *args: str) -> str:
    """Run a script in a fresh process on the throwaway SQLite database; its stdout.

    The bench's own PostgreSQL settings are left out, so the seeded rows never reach
    the million-row database the other benchmarks read. A failure shows the child's
    own error rather than only its exit status.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in ("DATABASE_URL", "CUSTODIAN_KEYS_DATABASE_URL", "CELERY_BROKER_URL")
    }
    env["CUSTODIAN_MFA_REQUIRED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{done.stderr[-4000:]}")
    return done.stdout


def run() -> list[Figure]:
    megabytes = int(os.environ.get("CUSTODIAN_BENCH_EXPORT_MB", "2048"))
    with tempfile.TemporaryDirectory(prefix="custodian-bench-export-") as work:
        total, n = _child(CHILD, work, str(megabytes)).split()[-2:]
        built = _child(BUILD, work)
        elapsed, before, after, size, status = built.split()[-5:]
        assert status == "ready", built
        floor, floor_peak = _floor(Path(work) / "plain", Path(work))
    mb = int(total) / 1e6
    return [
        Figure(
            f"export build, {n} originals, {mb:,.0f} MB",
            mb / float(elapsed),
            "MB/s",
            mb / floor,
            "sha256sum + zip -0",
        ),
        Figure(
            "export build, peak memory growth during the build",
            (int(after) - int(before)) / 1024,
            "MiB",
            floor_peak / 1024,
            "peak resident set of sha256sum / zip -0",
        ),
        fact(
            "export bundle size",
            int(size) / 1e6,
            "MB",
            f"the bundle for {mb:,.0f} MB of originals (a stamped PDF per image too)",
        ),
    ]
