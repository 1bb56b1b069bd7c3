"""Checking storage against the database: every object present, readable and unaltered.

Built for millions of images: rows are read in primary-key batches (so a run can resume
after the last image it finished), object reads can be throttled, and the reverse check
(objects with no row) pages through the store's own listing rather than one call per folder.
"""

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.storage import Storage, default_storage

from imaging import blobs
from imaging.crypto import DecryptionError
from imaging.models import ClinicalImage, DataKey, Derivative

BATCH = 200
LISTING_BATCH = 1000


@dataclass(frozen=True)
class Problem:
    kind: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.kind.upper()}: {self.name}: {self.detail}"


class Throttle:
    """Keeps object reads at or under a rate, so a full check does not starve the site."""

    def __init__(
        self,
        per_second: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1 / per_second if per_second else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def _sha256_of(name: str, key: bytes) -> str:
    digest = hashlib.sha256()
    for piece in blobs.read_decrypted(name, key):
        digest.update(piece)
    return digest.hexdigest()


def check_object(
    name: str, key: bytes, expected_sha256: str, what: str
) -> Problem | None:
    """One stored object: present, decrypts with its image's key, and hashes as recorded."""
    if not name or not default_storage.exists(name):
        return Problem("missing", name or "(no name)", f"{what}: no object in storage")
    try:
        found = _sha256_of(name, key)
    except DecryptionError as exc:
        return Problem("undecryptable", name, f"{what}: {exc}")
    except FileNotFoundError:
        return Problem("missing", name, f"{what}: no object in storage")
    if found != expected_sha256:
        return Problem(
            "altered", name, f"{what}: SHA-256 {found} but {expected_sha256} recorded"
        )
    return None


def _image_problems(image: ClinicalImage, throttle: Throttle) -> Iterator[Problem]:
    label = f"original of image {image.public_id}"
    try:
        key = blobs.data_key(image.public_id)
    except DataKey.DoesNotExist:
        yield Problem("no_key", image.storage_name, f"{label}: its data key is gone")
        return
    except DecryptionError as exc:
        yield Problem("no_key", image.storage_name, f"{label}: {exc}")
        return
    throttle.wait()
    if problem := check_object(image.storage_name, key, image.sha256, label):
        yield problem
    for derivative in image.derivatives.all():
        throttle.wait()
        what = f"{derivative.kind} of image {image.public_id}"
        if problem := check_object(
            derivative.storage_name, key, derivative.sha256, what
        ):
            yield problem


def check_images(
    *, after: int, throttle: Throttle, on_batch: Callable[[int, int], None]
) -> Iterator[Problem]:
    """Every active image after the given id, in id order; on_batch(last id, count)."""
    while True:
        batch = list(
            ClinicalImage.objects.active()
            .filter(pk__gt=after)
            .order_by("pk")
            .prefetch_related("derivatives")[:BATCH]
        )
        if not batch:
            return
        for image in batch:
            yield from _image_problems(image, throttle)
        after = batch[-1].pk
        on_batch(after, len(batch))


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


def _public_id(name: str) -> uuid.UUID | None:
    """originals/aa/<sha>/<id>.enc and derivatives/aa/<id>/<kind>-<stamp>.enc name the image."""
    path = PurePosixPath(name)
    candidate = path.stem if path.parts[0] == "originals" else path.parent.name
    try:
        return uuid.UUID(candidate)
    except ValueError:
        return None


def _known_image_objects(names: list[str]) -> set[str]:
    ids = {pid for name in names if (pid := _public_id(name)) is not None}
    images = ClinicalImage.objects.active().filter(public_id__in=ids)
    derivatives = Derivative.objects.filter(image__in=images)
    return set(images.values_list("storage_name", flat=True)) | set(
        derivatives.values_list("storage_name", flat=True)
    )


@dataclass(frozen=True)
class ObjectKind:
    """A family of stored objects: where they live and which of them a row still claims."""

    prefix: str
    known: Callable[[list[str]], set[str]]


# Hard copies and export bundles add an entry each: their prefix and their rows' names.
OBJECT_KINDS = [
    ObjectKind(prefix="originals", known=_known_image_objects),
    ObjectKind(prefix="derivatives", known=_known_image_objects),
]


def check_orphans(
    *, after: str = "", on_batch: Callable[[str, int], None]
) -> Iterator[Problem]:
    """Objects in storage that no row claims (left by a crash, or kept after disposal)."""
    # In prefix order, so that one resume point (the last name seen) covers every kind.
    for kind in sorted(OBJECT_KINDS, key=lambda k: k.prefix):
        start = after if after.startswith(f"{kind.prefix}/") else ""
        if after and not start and after > kind.prefix:
            continue
        names = stored_names(kind.prefix, after=start)
        while batch := list(islice(names, LISTING_BATCH)):
            known = kind.known(batch)
            for name in batch:
                if name not in known:
                    yield Problem("orphan", name, "object in storage with no record")
            on_batch(batch[-1], len(batch))
