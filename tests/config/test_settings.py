"""Settings come from the environment: embedded by default, PostgreSQL when asked."""

import base64
import json
import os
from pathlib import Path

import pytest

from tests.config.processes import ENTRY, clean_env, run

PROBE = (
    ENTRY
    + "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'storage': s.STORAGES['default']['BACKEND'], 'media': str(s.MEDIA_ROOT)}))"
)


def _probe(env: dict[str, str]) -> dict[str, object]:
    done = run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_variables_give_the_embedded_single_machine_mode(tmp_path: Path) -> None:
    found = _probe(clean_env(tmp_path))
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "data" / "custodian.sqlite3")
    assert found["eager"] is True
    assert found["storage"] == "django.core.files.storage.FileSystemStorage"
    assert found["media"] == str(tmp_path / "data" / "media")
    # The master key was generated once into the data directory, private to its owner.
    key_file = tmp_path / "data" / "master.key"
    assert len(base64.b64decode(key_file.read_text())) == 32
    assert key_file.stat().st_mode & 0o077 == 0
    first = key_file.read_text()
    _probe(clean_env(tmp_path))
    assert key_file.read_text() == first


def test_database_url_switches_to_postgresql_and_broker_to_real_workers(
    tmp_path: Path,
) -> None:
    env = clean_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/custodian",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DJANGO_SECRET_KEY="x" * 50,
        CUSTODIAN_MASTER_KEY=base64.b64encode(b"k" * 32).decode(),
    )
    found = _probe(env)
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "custodian"
    assert found["eager"] is False


def test_a_deployment_without_its_master_key_refuses_to_start(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/custodian",
        DJANGO_SECRET_KEY="x" * 50,
    )
    done = run(env, "-c", PROBE)
    assert done.returncode != 0
    assert "CUSTODIAN_MASTER_KEY" in done.stderr
    assert not (tmp_path / "data" / "master.key").exists()


@pytest.mark.parametrize("storage", ["filesystem", "s3"])
def test_check_deploy_is_clean_with_production_variables(
    tmp_path: Path, storage: str
) -> None:
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="false",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/custodian",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/2",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="custodian.health.example",
        CUSTODIAN_HTTPS="true",
        STORAGE_BACKEND=storage,
        AWS_STORAGE_BUCKET_NAME="custodian-originals",
    )
    done = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_flags_plain_http_when_it_is_asked_for(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_HTTPS="false",
    )
    done = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "SECURE_HSTS_SECONDS" in done.stderr + done.stdout


def test_https_is_on_by_default_once_debug_is_off(tmp_path: Path) -> None:
    # A deployment that forgets CUSTODIAN_HTTPS must not send session cookies in clear.
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        ALLOWED_HOSTS="custodian.health.example",
    )
    done = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning not in done.stdout + done.stderr
    probe = run(
        env,
        "-c",
        ENTRY + "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER)",
    )
    assert probe.stdout.split() == ["True", "True", "True", "True", "True", "None"]
    # Behind a TLS-terminating proxy, X-Forwarded-Proto is trusted only when said so.
    proxied = run(
        env | {"CUSTODIAN_BEHIND_TLS_PROXY": "true"},
        "-c",
        ENTRY + "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER)",
    )
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout


def test_a_deployment_without_a_shared_cache_is_refused(tmp_path: Path) -> None:
    # Several web workers, each with its own memory cache, would each count sign-in
    # failures: five wrong passwords per worker instead of five per deployment.
    env = clean_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/custodian",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        CUSTODIAN_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    refused = run(env, "manage.py", "check")
    assert refused.returncode != 0
    assert "custodian.E002" in refused.stderr
    assert "CACHE_URL" in refused.stderr

    shared = run(env | {"CACHE_URL": "redis://127.0.0.1:6379/2"}, "manage.py", "check")
    assert shared.returncode == 0, shared.stderr


def test_importing_the_settings_writes_no_file(tmp_path: Path) -> None:
    # Tools (mypy's Django plugin, a probe) import the settings; only the entry points
    # (manage.py, config.wsgi) make the embedded mode's data directory and secrets.
    done = run(clean_env(tmp_path), "-c", "import config.settings")
    assert done.returncode != 0
    assert "manage.py" in done.stderr
    assert not (tmp_path / "data").exists()
