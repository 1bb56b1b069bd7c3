"""A database made by the first wave's code migrates to the app-per-context layout intact.

The first wave's last commit (before the models moved between apps) is taken from git,
migrates a fresh database and seeds the demo into it with its own code; then today's code
migrates the same database. Every table keeps its rows, byte for byte in a sample; the
moved models answer through their new apps; the audit chain and every stored object
still verify. Once on SQLite (the embedded mode), once on PostgreSQL.
"""

import base64
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.config.processes import ROOT, clean_env

# The last commit whose migrations end before the move (imaging 0009, records 0008).
FIRST_WAVE = "18bc9d08fc892e4868ac7d3b3ca3d8f2cbd298ea"

# The moved models, read through their new apps after the upgrade.
THROUGH_NEW_APPS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({label: apps.get_model(label).objects.count() for label in "
    "['vault.DataKey', 'legal.LegalMatter', 'legal.LegalHold', 'legal.ExportBundle', "
    "'hardcopy.HardCopy', 'hardcopy.HardCopyItem', 'retention.RetentionRule', "
    "'retention.DisposalBatch', 'imaging.ClinicalImage', 'records.Patient']}))"
)
# A matter with a hold on one patient, made with the first wave's own models.
MATTER_IN_FIRST_WAVE = (
    "from django.contrib.auth.models import User; "
    "from records.models import LegalHold, LegalMatter, Patient; "
    "officer = User.objects.get(username='legal.officer'); "
    "patient = Patient.objects.order_by('pk').first(); "
    "matter = LegalMatter.objects.create(reference='UPG-1', kind='litigation', "
    "opened_by=officer); matter.patients.add(patient); "
    "hold = LegalHold.objects.create(matter=matter, reason='Upgrade test', "
    "placed_by=officer); hold.patients.add(patient)"
)
TABLES_OF = {
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'django_migrations'"
    ),
    "postgres": (
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename != 'django_migrations'"
    ),
}


def _first_wave_tree(into: Path) -> Path:
    """The first wave's files, from this repository's own history."""
    archive = subprocess.run(  # noqa: S603 - git, on this repository
        ["git", "archive", "--format=tar", FIRST_WAVE],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _manage(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Snapshot:
    """Every table's row count and its first rows, read straight from the database."""

    def __init__(self, connect: Any, vendor: str) -> None:
        with connect() as conn:
            cursor = conn.cursor()
            tables = sorted(row[0] for row in cursor.execute(TABLES_OF[vendor]))
            self.counts = {t: self._count(cursor, t) for t in tables}
            self.samples = {t: self._sample(cursor, vendor, t) for t in tables}

    @staticmethod
    def _count(cursor: Any, table: str) -> int:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from the catalogue
        return int(cursor.fetchone()[0])

    @staticmethod
    def _sample(cursor: Any, vendor: str, table: str) -> list[dict[str, Any]]:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1 LIMIT 3')  # noqa: S608 - as above
        names = [column[0] for column in cursor.description]
        return [
            {
                name: bytes(v) if isinstance(v, memoryview) else v
                for name, v in zip(names, row, strict=True)
            }
            for row in cursor.fetchall()
        ]


# What the second wave's own migrations add to: new models' content types and
# permissions, and the retention schedules (old presets retired, new ones shipped).
CATALOGUES = {
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
    "records_retentionrule",
    "records_retentionruleversion",
}


# Plain-text API tokens: deleted (every device signs in again) and their table dropped,
# on purpose, when tokens became hashed per-device knox tokens (issue 23.11).
RETIRED = {"authtoken_token"}


def _as_before(
    rows: list[dict[str, Any]], before: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Rows cut to the columns they had before (new columns may have been added)."""
    columns = set(before[0]) if before else set()
    return [{k: v for k, v in row.items() if k in columns} for row in rows]


def _upgrade_keeps_everything(
    tmp_path: Path, env: dict[str, str], connect: Any, vendor: str
) -> None:
    old = _first_wave_tree(tmp_path / "first-wave")
    _manage(old, env, "migrate", "--no-input")
    _manage(old, env, "seed_demo", "--force")
    _manage(old, env, "shell", "-c", MATTER_IN_FIRST_WAVE)
    before = Snapshot(connect, vendor)
    assert before.counts["imaging_clinicalimage"] > 0
    assert before.counts["records_retentionrule"] > 0

    _manage(ROOT, env, "migrate", "--no-input")

    after = Snapshot(connect, vendor)
    records = set(before.counts) - CATALOGUES - RETIRED
    assert not RETIRED & set(after.counts)
    # Every table of records keeps exactly its rows, and a sample of them unchanged.
    assert {t: after.counts[t] for t in records} == {
        t: before.counts[t] for t in records
    }
    assert {t: _as_before(after.samples[t], before.samples[t]) for t in records} == {
        t: before.samples[t] for t in records
    }
    # Catalogues only grow: nothing the first wave wrote is deleted.
    assert all(after.counts[t] >= before.counts[t] for t in CATALOGUES)
    shown = _manage(ROOT, env, "shell", "-c", THROUGH_NEW_APPS)
    counted = json.loads(shown.strip().splitlines()[-1])
    assert counted["imaging.ClinicalImage"] == before.counts["imaging_clinicalimage"]
    assert counted["vault.DataKey"] == before.counts["imaging_datakey"]
    assert counted["legal.LegalMatter"] == before.counts["records_legalmatter"]
    assert counted["legal.LegalHold"] == before.counts["records_legalhold"]
    assert counted["hardcopy.HardCopy"] == before.counts["imaging_hardcopy"]
    assert counted["retention.RetentionRule"] == after.counts["records_retentionrule"]
    # Content types follow their models, so the roles' permissions still hold.
    with connect() as conn:
        labels = {
            row[0]
            for row in conn.cursor().execute(
                "SELECT app_label FROM django_content_type"
            )
        }
    assert {"vault", "legal", "hardcopy", "retention"} <= labels
    assert "security" not in labels
    # The chain and every stored object (decrypted with the same keys) still check out.
    assert "intact" in _manage(ROOT, env, "verify_audit")
    _manage(ROOT, env, "verify_storage")


def test_an_embedded_first_wave_database_upgrades_with_all_its_rows(
    tmp_path: Path,
) -> None:
    env = clean_env(tmp_path, DJANGO_DEBUG="false")
    database = tmp_path / "data" / "custodian.sqlite3"
    _upgrade_keeps_everything(
        tmp_path, env, lambda: sqlite3.connect(database), "sqlite"
    )


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    assert url.startswith("postgres"), "this test needs PostgreSQL (DATABASE_URL)"
    name = f"{urlsplit(url).path.lstrip('/')}_upgrade_{os.getpid()}"
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
        sql.Identifier(name)
    )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        finally:
            admin.execute(drop)


@pytest.mark.postgres
def test_a_postgresql_first_wave_database_upgrades_with_all_its_rows(
    tmp_path: Path, fresh_postgres_database: str
) -> None:
    env = clean_env(
        tmp_path,
        DATABASE_URL=fresh_postgres_database,
        CACHE_URL="locmemcache://upgrade",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    _upgrade_keeps_everything(
        tmp_path,
        env,
        lambda: psycopg.connect(fresh_postgres_database),
        "postgres",
    )
