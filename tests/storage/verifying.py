"""Running verify_storage as an operator would, and tampering with what it checks."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command


def verify(*args: str) -> tuple[str, str]:
    """A passing run: what it printed, and what it reported."""
    out, err = StringIO(), StringIO()
    call_command("verify_storage", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails(*args: str) -> tuple[str, str]:
    """A failing run (non-zero exit): its summary, and the problems it reported."""
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_storage", *args, stdout=StringIO(), stderr=err)
    return str(failed.value), err.getvalue()


def replace_object(name: str, stored: bytes) -> None:
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(stored)) == name


def damage(name: str) -> None:
    """Flip one byte near the end: the object no longer decrypts."""
    with default_storage.open(name, "rb") as handle:
        stored = bytearray(handle.read())
    stored[-40] ^= 0xFF
    replace_object(name, bytes(stored))
