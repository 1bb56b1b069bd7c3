"""The embedded mode's data directory and secrets, made once by the entry points.

A deployment passes DJANGO_SECRET_KEY and CUSTODIAN_MASTER_KEY in the environment; the
settings refuse to start without them once DATABASE_URL points away from the embedded
database. On one machine (no DATABASE_URL, or DJANGO_DEBUG on) the entry points (manage.py,
config.wsgi, config.asgi, the test runner's plugin) call prepare() before Django loads its
settings, so that importing the settings never writes a file: they only read.

python -m config.localsecrets does the same by hand (make lint runs it before mypy, whose
Django plugin loads the settings).
"""

import base64
import fcntl
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
# The key a strengthened secret_key replaced: still accepted, so no one is signed out.
PREVIOUS_SECRET_KEY_FILE = "secret_key.previous"  # noqa: S105 - a file name
# What check --deploy asks of a key (W009); Django's own test is private to its checks.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
MASTER_KEY_FILE = "master.key"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("CUSTODIAN_DATA_DIR", str(BASE_DIR / "var"))).resolve()


def may_generate(env: Mapping[str, str] = os.environ) -> bool:
    """Only the embedded mode (or a debug run) may make its own secrets."""
    debug = env.get("DJANGO_DEBUG", "").lower() in {"1", "true", "yes", "on"}
    return "DATABASE_URL" not in env or debug


def read(path: Path) -> str | None:
    """The secret stored at path, or None if there is none yet."""
    return path.read_text().strip() if path.exists() else None


def _create(
    path: Path, make: Callable[[], str], *, label: str, consequence: str
) -> None:
    """Write a new secret (mode 0600) unless one is there already."""
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(make() + "\n")
    sys.stderr.write(
        f"WARNING: generated a new {label} in {path}. {consequence} "
        "Deployments set it in the environment instead.\n"
    )


def is_strong(key: str) -> bool:
    """Whether check --deploy accepts the key (no W009)."""
    return (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith("django-insecure-")
    )


def _new_secret_key() -> str:
    return secrets.token_urlsafe(SECRET_KEY_MIN_LENGTH)


def _write_atomically(path: Path, text: str) -> None:
    # Another process's settings may read the file at any moment: never half-written.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    temporary.replace(path)


def _strengthen(root: Path) -> None:
    """Replace a key older versions made too short for check --deploy, keeping it valid.

    The old key moves to secret_key.previous, which the settings pass as
    SECRET_KEY_FALLBACKS: sessions and signed links made with it keep working.
    """
    path = root / SECRET_KEY_FILE
    with path.open() as held:
        # Two processes starting at once: the second finds the key already strong.
        fcntl.flock(held, fcntl.LOCK_EX)
        old = read(path)
        if not old or is_strong(old):
            return
        _write_atomically(root / PREVIOUS_SECRET_KEY_FILE, old)
        _write_atomically(path, _new_secret_key())
    sys.stderr.write(
        f"WARNING: replaced the Django secret key in {path}, too short for check "
        f"--deploy; the old one, in {PREVIOUS_SECRET_KEY_FILE}, is still accepted.\n"
    )


def prepare(env: Mapping[str, str] = os.environ) -> None:
    """Make the data directory, its static folder and (embedded only) its secrets."""
    root = data_dir(env)
    (root / "staticfiles").mkdir(parents=True, exist_ok=True)
    if not may_generate(env):
        return
    if "DJANGO_SECRET_KEY" not in env:
        _create(
            root / SECRET_KEY_FILE,
            _new_secret_key,
            label="Django secret key",
            consequence="Replacing it signs everyone out.",
        )
        _strengthen(root)
    if "CUSTODIAN_MASTER_KEY" not in env and "CUSTODIAN_MASTER_KEY_FILE" not in env:
        _create(
            root / MASTER_KEY_FILE,
            lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
            label="master key",
            consequence="Back it up apart from the data: without it no image can be "
            "decrypted.",
        )


if __name__ == "__main__":
    prepare()
