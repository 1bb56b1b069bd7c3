"""The environment: mode, data directory and the two secrets (read, never written here)."""

from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from config import localsecrets

# Lets generic classes such as ModelAdmin[Model] be subscripted at run time (mypy --strict).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DATA_DIR = localsecrets.data_dir()
EMBEDDED = "DATABASE_URL" not in env


def _local(name: str, variable: str) -> str:
    """A secret the entry point made in the data directory (embedded mode only)."""
    value = localsecrets.read(DATA_DIR / name) if localsecrets.may_generate() else None
    if value is None:
        raise ImproperlyConfigured(
            f"{variable} must be set when DATABASE_URL is."
            if not localsecrets.may_generate()
            else f"No {name} in {DATA_DIR}: start Custodian through manage.py (make run), "
            "which makes it once, or set "
            f"{variable}."
        )
    return value


if "DJANGO_SECRET_KEY" in env:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = _local(localsecrets.SECRET_KEY_FILE, "DJANGO_SECRET_KEY")
    # A key the entry point strengthened still verifies what it signed (sessions).
    _previous = localsecrets.read(DATA_DIR / localsecrets.PREVIOUS_SECRET_KEY_FILE)
    SECRET_KEY_FALLBACKS = [_previous] if _previous else []

if "CUSTODIAN_MASTER_KEY" in env:
    CUSTODIAN_MASTER_KEY = env.str("CUSTODIAN_MASTER_KEY")
elif "CUSTODIAN_MASTER_KEY_FILE" in env:
    CUSTODIAN_MASTER_KEY = (
        Path(env.str("CUSTODIAN_MASTER_KEY_FILE")).read_text().strip()
    )
elif localsecrets.may_generate():
    CUSTODIAN_MASTER_KEY = _local(localsecrets.MASTER_KEY_FILE, "CUSTODIAN_MASTER_KEY")
else:
    raise ImproperlyConfigured(
        "CUSTODIAN_MASTER_KEY (or CUSTODIAN_MASTER_KEY_FILE) must be set when "
        "DATABASE_URL is: the master key never lives in the database."
    )
