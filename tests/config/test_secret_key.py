"""The embedded mode's own Django secret key passes check --deploy (no W009)."""

import base64
import os
from pathlib import Path

from tests.config.processes import ENTRY, clean_env, run

# What the first wave wrote: base64 of 32 random bytes, 44 characters.
OLD_KEY = base64.b64encode(os.urandom(32)).decode()
SIGN = (
    ENTRY + "import django; django.setup(); from django.core import signing; "
    "print(signing.dumps('kept'))"
)
UNSIGN = (
    ENTRY + "import sys, django; django.setup(); from django.core import signing; "
    "print(signing.loads(sys.argv[1]))"
)


def _deploy_check(tmp_path: Path) -> str:
    done = run(clean_env(tmp_path), "manage.py", "check", "--deploy")
    return done.stdout + done.stderr


def _key_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "secret_key"


def test_a_generated_key_raises_no_w009(tmp_path: Path) -> None:
    report = _deploy_check(tmp_path)
    assert "generated a new Django secret key" in report
    assert "security.W009" not in report
    assert len(_key_file(tmp_path).read_text().strip()) >= 50


def test_an_old_short_key_is_replaced_and_what_it_signed_still_verifies(
    tmp_path: Path,
) -> None:
    _key_file(tmp_path).parent.mkdir(parents=True)
    _key_file(tmp_path).write_text(OLD_KEY + "\n")
    old_env = clean_env(tmp_path, DJANGO_SECRET_KEY=OLD_KEY)
    signed = run(old_env, "-c", SIGN).stdout.strip().splitlines()[-1]

    report = _deploy_check(tmp_path)

    assert "security.W009" not in report
    assert "replaced the Django secret key" in report
    new_key = _key_file(tmp_path).read_text().strip()
    assert new_key != OLD_KEY
    assert len(new_key) >= 50
    previous = tmp_path / "data" / "secret_key.previous"
    assert previous.read_text().strip() == OLD_KEY
    assert previous.stat().st_mode & 0o077 == 0
    done = run(clean_env(tmp_path), "-c", UNSIGN, signed)
    assert done.stdout.strip().splitlines()[-1] == "kept", done.stderr


def test_a_strong_key_is_left_as_it_is(tmp_path: Path) -> None:
    _deploy_check(tmp_path)
    first = _key_file(tmp_path).read_text()
    report = _deploy_check(tmp_path)
    assert "secret key" not in report
    assert _key_file(tmp_path).read_text() == first
    assert not (tmp_path / "data" / "secret_key.previous").exists()
