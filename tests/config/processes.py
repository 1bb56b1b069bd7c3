"""Running our own interpreter on manage.py with a chosen environment, for settings tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What an entry point does before Django loads the settings (config.localsecrets).
ENTRY = "from config.localsecrets import prepare; prepare(); "


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any Custodian setting, plus the given ones."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DATABASE_URL",
                "CELERY_",
                "DJANGO_",
                "CUSTODIAN_",
                "STORAGE_BACKEND",
                "AWS_",
                "CACHE_URL",
            )
        )
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CUSTODIAN_DATA_DIR": str(tmp_path / "data"),
        **extra,
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
