"""CUSTODIAN_KEYS_DATABASE_URL: the data keys in a database of their own (deployment.md §6).

The router's decisions are checked here directly; tests/storage/test_keys_apart.py runs
the product against two real PostgreSQL databases.
"""

import base64
import json
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.config.processes import clean_env, run
from vault.models import DataKey
from vault.routers import KeyStoreRouter

MAIN = "postgres://postgres@127.0.0.1:5432/custodian"
KEYS = "postgres://postgres@127.0.0.1:5432/custodian_keys"
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
    "'keys': s.DATABASES.get('keys', {}).get('NAME')}))"
)


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DJANGO_DEBUG="false",
        DATABASE_URL=MAIN,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/2",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="custodian.health.example",
        CUSTODIAN_HTTPS="true",
        **extra,
    )


router = KeyStoreRouter()


def test_every_read_and_write_of_a_data_key_goes_to_the_key_store() -> None:
    assert router.db_for_read(DataKey) == "keys"
    assert router.db_for_write(DataKey) == "keys"


@pytest.mark.parametrize("model", [ClinicalImage, Patient, AuditEvent, User])
def test_everything_else_stays_in_the_main_database(model: type) -> None:
    assert router.db_for_read(model) is None
    assert router.db_for_write(model) is None


@pytest.mark.parametrize(
    ("db", "app_label", "model_name", "allowed"),
    [
        ("keys", "imaging", "datakey", True),
        ("default", "imaging", "datakey", False),
        ("keys", "imaging", "clinicalimage", False),
        ("keys", "auth", "user", False),
        ("keys", "imaging", None, False),
        ("keys", "records", None, False),
        ("default", "imaging", "clinicalimage", True),
        ("default", "records", None, True),
    ],
    ids=[
        "key-table-in-keys",
        "no-key-table-in-main",
        "no-image-table-in-keys",
        "no-user-table-in-keys",
        "no-imaging-data-migration-in-keys",
        "no-records-data-migration-in-keys",
        "image-table-in-main",
        "data-migrations-in-main",
    ],
)
def test_each_table_is_created_in_one_database_only(
    db: str, app_label: str, model_name: str | None, allowed: bool
) -> None:
    assert router.allow_migrate(db, app_label, model_name) is allowed


def test_no_relation_may_cross_the_two_databases() -> None:
    assert router.allow_relation(DataKey(), ClinicalImage()) is False
    assert router.allow_relation(ClinicalImage(), DataKey()) is False
    assert router.allow_relation(ClinicalImage(), Patient()) is None
    assert router.allow_relation(DataKey(), DataKey()) is None


def test_without_the_variable_there_is_one_database_and_no_router(
    tmp_path: Path,
) -> None:
    done = run(_production(tmp_path), "-c", PROBE)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"aliases": ["default"], "routers": [], "keys": None}


def test_with_the_variable_the_keys_get_their_database_and_check_deploy_is_clean(
    tmp_path: Path,
) -> None:
    env = _production(tmp_path, CUSTODIAN_KEYS_DATABASE_URL=KEYS)
    done = run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "aliases": ["default", "keys"],
        "routers": ["vault.routers.KeyStoreRouter"],
        "keys": "custodian_keys",
    }
    done = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_key_store_that_is_the_main_database_fails_the_checks(
    tmp_path: Path,
) -> None:
    # Spelt differently, still the same database: its backups would keep every key.
    env = _production(
        tmp_path,
        CUSTODIAN_KEYS_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/custodian",
    )
    done = run(env, "manage.py", "check")
    assert done.returncode != 0
    assert "custodian.E001" in done.stderr
    assert "CUSTODIAN_KEYS_DATABASE_URL" in done.stderr
