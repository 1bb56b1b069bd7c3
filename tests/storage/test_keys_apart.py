"""The data keys in a database of their own, end to end on real PostgreSQL.

Two fresh databases, each migrated as docs/deployment.md §6 says, then the product run
against them with CUSTODIAN_KEYS_DATABASE_URL set: capture (through seed_demo's own
code), a hard copy with a key of its own, a disposal through the real services that the
key store's outage interrupts and the next run finishes, rotate_keys and verify_storage;
both databases are read back directly after each step.
"""

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.config.processes import ROOT, clean_env, run

pytestmark = pytest.mark.postgres

# seed_demo's steps with three photos instead of 36, then a second photo of the first
# patient and one hard copy of both: a copy that has a data key of its own.
SETUP = """
import io, random
from django.db import transaction
from demo.images import ensure_images, synthetic_photo
from hardcopy.services import request_patient_hard_copy
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
import demo.records as demo

with transaction.atomic():
    wards = demo.ensure_facilities()
    users = demo.ensure_users(wards)
    patients = demo.ensure_patients(wards)
ensure_images(patients, users, count=3)
first = ClinicalImage.objects.order_by("pk").first()
photo = synthetic_photo(random.Random(7), fmt="JPEG", exif=True, index=9)
capture_image(
    actor=first.uploaded_by,
    patient=first.patient,
    upload=io.BytesIO(photo),
    details=CaptureDetails(
        capture_mode="personal_mobile",
        consent_kind="verbal",
        encounter=first.encounter,
        idempotency_key="keys-apart-second",
    ),
    channel=ClinicalImage.Channel.SEED,
)
request_patient_hard_copy(actor=first.uploaded_by, patient=first.patient)
"""

# The first patient's facility becomes private (7 years after the last service), the
# patient is discharged; thirty years on the sweep proposes the photos, two records
# managers approve, and after the waiting period the disposal starts. This runs with the
# key store unreachable, so the first image's disposal stops right after its commit.
DISPOSE = """
from datetime import timedelta
import time_machine
from django.contrib.auth.models import User
from django.db import OperationalError
from django.db.models import F
from django.test import Client
from django.utils import timezone
from imaging.models import ClinicalImage
from records.models import Encounter, Facility
from retention.models import RetentionRule
from retention.review import approve_disposal, start_disposal
from retention.sweep import sweep_retention
from retention.verification import verify_retention_rule

patient = ClinicalImage.objects.order_by("pk").first().patient
Facility.objects.filter(pk=patient.facility_id).update(sector="private")
Encounter.objects.filter(patient=patient, ended_at__isnull=True).update(
    ended_at=F("started_at") + timedelta(hours=2)
)
later = timezone.now() + timedelta(days=366 * 30)
first = User.objects.get(username="records.manager")
second = User.objects.get(username="records.manager2")
# Nothing is disposed of under an unchecked rule: the manager checks this schedule's.
for rule in RetentionRule.objects.filter(
    is_active=True, jurisdiction=patient.facility.jurisdiction, sector="private"
):
    verify_retention_rule(
        actor=first, rule=rule, source_title="The private sector's Act",
        source_version="current", clause="retention", reason="Checked for the test",
    )
with time_machine.travel(later):
    batch = sweep_retention(actor=None).batch
    approve_disposal(actor=first, batch=batch)
    batch = approve_disposal(actor=second, batch=batch)
with time_machine.travel(batch.effective_at + timedelta(days=1)):
    try:
        start_disposal(actor=first, batch=batch)
    except OperationalError:
        print("key store unreachable")
ready = Client(HTTP_HOST="localhost").get("/readyz")
print("readyz", ready.status_code, ready.json()["keys_database"])
"""

# The hourly beat task, run again once the key store is back, finishes the batch.
RESUME = """
from datetime import timedelta
import time_machine
from django.test import Client
from retention.models import DisposalBatch
from retention.disposal import carry_out_due_disposals

batch = DisposalBatch.objects.get()
with time_machine.travel(batch.effective_at + timedelta(days=1)):
    carry_out_due_disposals()
ready = Client(HTTP_HOST="localhost").get("/readyz")
print("readyz", ready.status_code, ready.json()["keys_database"])
"""

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
KEYS = "SELECT image_public_id FROM imaging_datakey"
DISPOSED = "SELECT public_id FROM imaging_clinicalimage WHERE status = 'disposed'"
REGISTER = "SELECT image_public_id FROM records_disposalrecord"


def _server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    assert url.startswith("postgres"), (
        "this test needs PostgreSQL: set DATABASE_URL, or deselect with -m 'not postgres'"
    )
    return url


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{port}"))


@pytest.fixture
def two_databases() -> Iterator[tuple[str, str]]:
    """A fresh main database and key store, named after DATABASE_URL's; dropped after."""
    url = _server()
    base = urlsplit(url).path.lstrip("/")
    names = [f"{base}_apart_{role}_{os.getpid()}" for role in ("main", "keys")]
    with psycopg.connect(_with_name(url, "postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield _with_name(url, names[0]), _with_name(url, names[1])
        finally:
            for name in names:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )


def _migrate_both(env: dict[str, str]) -> None:
    """`migrate` and `migrate --database keys`, side by side."""
    runs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "migrate", "--no-input", *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for extra in ([], ["--database", "keys"])
    ]
    for process in runs:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err


def _manage(env: dict[str, str], *args: str) -> str:
    done = run(env, "manage.py", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _column(url: str, query: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(row[0]) for row in conn.execute(query)}


def test_keys_live_only_in_the_key_store_and_disposal_destroys_them_after_the_register(
    two_databases: tuple[str, str], tmp_path: Path
) -> None:
    main, keys = two_databases
    env = clean_env(
        tmp_path,
        DATABASE_URL=main,
        CUSTODIAN_KEYS_DATABASE_URL=keys,
        # One process at a time here: a local cache is what it needs (W002 only).
        CACHE_URL="locmemcache://keys-apart",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    _migrate_both(env)
    assert _column(keys, TABLES) == {"django_migrations", "imaging_datakey"}
    assert "imaging_datakey" not in _column(main, TABLES)

    _manage(env, "shell", "-c", SETUP)
    images = _column(main, "SELECT public_id FROM imaging_clinicalimage")
    copies = _column(main, "SELECT public_id FROM imaging_hardcopy WHERE has_own_key")
    assert len(images) == 4
    assert len(copies) == 1
    assert _column(keys, KEYS) == images | copies

    unreachable = {**env, "CUSTODIAN_KEYS_DATABASE_URL": _with_port(keys, 1)}
    said = _manage(unreachable, "shell", "-c", DISPOSE)
    assert "key store unreachable" in said
    # The load balancer takes a server that cannot reach its keys out of rotation.
    assert "readyz 503 unavailable: OperationalError" in said
    # The first disposal committed with its register entry; its keys, destroyed only
    # after that commit, are still there: never a key gone without its register entry.
    interrupted = _column(main, DISPOSED)
    assert len(interrupted) == 1
    assert _column(main, REGISTER) == interrupted
    assert _column(keys, KEYS) == images | copies

    assert "readyz 200 ok" in _manage(env, "shell", "-c", RESUME)
    gone = _column(main, DISPOSED)
    assert len(gone) == 2
    assert gone < images
    assert _column(main, REGISTER) == gone
    # Both photos' keys and the copy's own key are gone; the others' keys remain.
    assert _column(keys, KEYS) == images - gone

    # Rotation re-wraps the keys where they are; the rest then open under the new master
    # key with their keys from the key store, and hash as recorded.
    masters = "SELECT master_key_id FROM imaging_datakey"
    old_id = _column(keys, masters)
    new_master = base64.b64encode(os.urandom(32)).decode()
    _manage({**env, "CUSTODIAN_NEW_MASTER_KEY": new_master}, "rotate_keys")
    new_id = _column(keys, masters)
    assert len(old_id) == len(new_id) == 1
    assert old_id != new_id
    rotated = {**env, "CUSTODIAN_MASTER_KEY": new_master}
    assert "0 problems" in _manage(rotated, "verify_storage")
