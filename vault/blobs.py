"""Encrypted objects in Django's storage: originals, derivatives and anything else kept.

Every object is encrypted with its image's data key before it reaches storage, so a
copied bucket or disk reveals nothing, and destroying the key destroys every copy.
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone

from vault import crypto
from vault.models import DataKey

SPOOL_BYTES = 8 * 1024 * 1024


def keys_database() -> str:
    """The database alias holding DataKey: "keys" when kept apart, else "default"."""
    return router.db_for_write(DataKey)


def keys_apart() -> bool:
    """True when the data keys live in a database of their own (deployment.md §6)."""
    return keys_database() != DEFAULT_DB_ALIAS


def create_data_key(image_public_id: UUID) -> bytes:
    """Make, wrap and store a fresh data key for an image; return it in clear.

    When the keys are apart the row commits at once (the keys connection is in
    autocommit: the caller's atomic block covers only "default"), before the caller's
    record does: a crash in between leaves an unused key, never a record without one.
    """
    key = crypto.new_data_key()
    DataKey.objects.using(keys_database()).create(
        image_public_id=image_public_id,
        wrapped_key=crypto.wrap_key(key, context=str(image_public_id)),
        master_key_id=crypto.master_key_id(),
    )
    return key


def data_key(image_public_id: UUID) -> bytes:
    """The image's data key in clear; DataKey.DoesNotExist once it has been shredded."""
    row = DataKey.objects.using(keys_database()).get(image_public_id=image_public_id)
    return crypto.unwrap_key(bytes(row.wrapped_key), context=str(image_public_id))


def _delete_data_keys(database: str, public_ids: list[UUID]) -> None:
    DataKey.objects.using(database).filter(image_public_id__in=public_ids).delete()


def shred_data_keys(public_ids: Iterable[UUID]) -> None:
    """Destroy data keys (crypto-shredding), never before the caller's change commits.

    In one database the keys go inside the caller's transaction. Kept apart, they go
    once the main database has committed (at once outside a transaction): a rollback or
    crash before then leaves the key, so callers that can be interrupted call this again
    when they resume (retention.disposal).
    """
    ids = list(public_ids)
    if not ids:
        return
    shred = partial(_delete_data_keys, keys_database(), ids)
    if keys_apart():
        transaction.on_commit(shred)
    else:
        shred()


def discard_data_key(image_public_id: UUID) -> None:
    """Remove a key made for a record that was then never stored (keys apart only).

    In one database the failed transaction has already taken it away.
    """
    if keys_apart():
        _delete_data_keys(keys_database(), [image_public_id])


def save_encrypted(name: str, chunks: Iterable[bytes], key: bytes) -> str:
    """Encrypt chunks into storage under name (never overwriting); return the stored name."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        for piece in crypto.encrypt_stream(chunks, key):
            spool.write(piece)
        spool.seek(0)
        return default_storage.save(name, File(spool, name=name))


def read_decrypted(name: str, key: bytes) -> Iterator[bytes]:
    """Stream an object's plaintext, a segment at a time."""
    with default_storage.open(name, "rb") as handle:
        yield from crypto.decrypt_stream(handle, key)  # type: ignore[arg-type]


def discard(name: str) -> None:
    """Delete an object, ignoring one that was never written."""
    if name and default_storage.exists(name):
        default_storage.delete(name)


def _walk_s3(storage: Any, prefix: str, after: str) -> Iterator[str]:
    root = f"{storage.location.strip('/')}/" if storage.location else ""
    listing = storage.bucket.objects.filter(
        Prefix=f"{root}{prefix}/", Marker=f"{root}{after}" if after else ""
    )
    for summary in listing:
        yield summary.key.removeprefix(root)


def _walk_files(storage: Storage, prefix: str, after: str) -> Iterator[str]:
    base = Path(storage.path(""))
    for folder, dirs, files in os.walk(base / prefix):
        dirs.sort()
        for file_name in sorted(files):
            name = (Path(folder) / file_name).relative_to(base).as_posix()
            if name > after:
                yield name


def stored_names(prefix: str, *, after: str = "") -> Iterator[str]:
    """Every object name under a prefix, in name order, after a resume point."""
    if hasattr(default_storage, "bucket"):
        return _walk_s3(default_storage, prefix, after)
    return _walk_files(default_storage, prefix, after)


def original_name(image_public_id: UUID, sha256: str) -> str:
    """Originals are addressed by content hash, one object per image record."""
    return f"originals/{sha256[:2]}/{sha256}/{image_public_id}.enc"


def derivative_name(image_public_id: UUID, kind: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return (
        f"derivatives/{str(image_public_id)[:2]}/{image_public_id}/{kind}-{stamp}.enc"
    )
