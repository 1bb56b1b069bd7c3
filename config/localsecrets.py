"""Secrets for the embedded single-machine mode, generated once into the data directory.

A deployment passes DJANGO_SECRET_KEY and CUSTODIAN_MASTER_KEY in the environment; settings
refuse to start without them once DATABASE_URL points away from the embedded database.
"""

import base64
import os
import secrets
import sys
from pathlib import Path


def read_or_create(path: Path, *, label: str, consequence: str) -> str:
    """Return the secret stored at path, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = base64.b64encode(secrets.token_bytes(32)).decode()
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    sys.stderr.write(
        f"WARNING: generated a new {label} in {path}. {consequence} "
        "Deployments set it in the environment instead.\n"
    )
    return value
