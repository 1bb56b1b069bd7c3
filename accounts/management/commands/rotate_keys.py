"""Re-wrap every data key (and sealed TOTP secret) under a new master key.

Image bytes are never touched: each image's data key is unwrapped with the key it is
under and wrapped again with the new one, in batches, each batch its own transaction.
Rows already under the new key are skipped, so an interrupted run is simply run again.
Afterwards set CUSTODIAN_MASTER_KEY (or its file) to the new key and restart.
"""

import base64
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import SealedTOTPDevice
from audit.services import Action, record_event
from vault import blobs, crypto
from vault.models import DataKey

NEW_KEY_ENV = "CUSTODIAN_NEW_MASTER_KEY"


def _read_key(path: str | None, env_name: str | None) -> str | None:
    if path:
        return Path(path).read_text().strip()
    if env_name and os.environ.get(env_name):
        return os.environ[env_name].strip()
    return None


def _check(encoded: str, label: str) -> str:
    try:
        if len(base64.b64decode(encoded, validate=True)) == 32:
            return encoded
    except ValueError:
        pass
    raise CommandError(f"The {label} must be 32 random bytes, base64-encoded.")


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under a new master key, without touching image bytes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key-file", help=f"File with the new key (or {NEW_KEY_ENV})."
        )
        parser.add_argument(
            "--old-key-file",
            help="File with the key being retired (default: the configured master key).",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--batches",
            type=int,
            default=0,
            help="Stop after this many batches (0: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        new = _read_key(options["new_key_file"], NEW_KEY_ENV)
        if not new:
            raise CommandError(
                f"Give the new key with --new-key-file or {NEW_KEY_ENV}."
            )
        new = _check(new, "new key")
        old = _check(
            _read_key(options["old_key_file"], None) or settings.CUSTODIAN_MASTER_KEY,
            "old key",
        )
        keys = {crypto.master_key_id(old): old, crypto.master_key_id(new): new}
        new_id = crypto.master_key_id(new)
        rotated = self._rotate_all(
            keys, new_id, options["batch_size"], options["batches"]
        )
        left = (
            DataKey.objects.using(blobs.keys_database())
            .exclude(master_key_id=new_id)
            .count()
        )
        left += SealedTOTPDevice.objects.exclude(master_key_id=new_id).count()
        self.stdout.write(
            f"Re-wrapped {rotated} keys under {new_id}; {left} still under other keys."
        )
        if not left:
            self.stdout.write(
                "Done: set CUSTODIAN_MASTER_KEY to the new key and restart."
            )

    def _rotate_all(
        self, keys: dict[str, str], new_id: str, batch_size: int, batches: int
    ) -> int:
        done = 0
        count = 0
        while not batches or count < batches:
            moved = _rotate_batch(keys, new_id, batch_size)
            if not moved:
                break
            done += moved
            count += 1
        return done


def _rotate_batch(keys: dict[str, str], new_id: str, size: int) -> int:
    """Re-wrap one batch of rows not yet under the new key; return how many."""
    # Kept apart, the keys' transaction encloses the main one, which thus commits first
    # with its audit event: a crash between the two at worst records a batch that the
    # next run re-wraps (and records) again; no re-wrapping ever goes unrecorded.
    keys_db = blobs.keys_database()
    with transaction.atomic(using=keys_db), transaction.atomic(savepoint=False):
        return _rotate_rows(keys, new_id, size, keys_db)


def _rotate_rows(keys: dict[str, str], new_id: str, size: int, keys_db: str) -> int:
    rows = list(
        DataKey.objects.using(keys_db)
        .select_for_update()
        .exclude(master_key_id=new_id)
        .order_by("pk")[:size]
    )
    now = timezone.now()
    for row in rows:
        context = str(row.image_public_id)
        clear = crypto.unwrap_key(
            bytes(row.wrapped_key),
            context=context,
            master=_key_for(keys, row.master_key_id),
        )
        row.wrapped_key = crypto.wrap_key(clear, context=context, master=keys[new_id])
        row.master_key_id, row.rotated_at = new_id, now
        row.save(update_fields=["wrapped_key", "master_key_id", "rotated_at"])
    devices = list(
        SealedTOTPDevice.objects.select_for_update()
        .exclude(master_key_id=new_id)
        .order_by("pk")[: max(size - len(rows), 0)]
    )
    for device in devices:
        secret = crypto.unwrap_key(
            bytes(device.sealed_key),
            context=device.context,
            master=_key_for(keys, device.master_key_id),
        )
        device.seal(secret, master=keys[new_id])
        device.save(update_fields=["sealed_key", "master_key_id"])
    if rows or devices:
        record_event(
            actor=None,
            action=Action.KEYS_ROTATED,
            detail={"data_keys": len(rows), "totp_secrets": len(devices), "to": new_id},
        )
    return len(rows) + len(devices)


def _key_for(keys: dict[str, str], key_id: str) -> str:
    if key_id not in keys:
        raise CommandError(
            f"A key is wrapped by master key {key_id}, which is neither the old nor the "
            "new key: give the right one with --old-key-file."
        )
    return keys[key_id]
