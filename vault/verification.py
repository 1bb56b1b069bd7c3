"""Checking storage against the database: every object present, readable and unaltered.

Each app whose rows claim stored objects registers what to check here, in its
AppConfig.ready() (vault imports no app): a row phase (imaging: active images' originals
and derivatives; hardcopy: PDFs not yet destroyed; legal: bundles not yet expired), an
object kind (the prefix its objects live under, and which of them a row still claims) and
its key users (which data keys its rows use, and which must be gone after a disposal).
The data keys are then checked: a disposed image's (or its copies') key that survives
means crypto-shredding did not finish; a key no row uses is an orphan. Objects that are
legitimately gone (a disposed image, a destroyed hard-copy file, an expired bundle) have no
row claiming them any more, so they are neither checked nor missed; an object left behind
by one of them is an orphan.

Built for millions of images: rows are read in primary-key batches (so a run can resume
after the last row it finished), object reads can be throttled, and the reverse check
(objects with no row) pages through the store's own listing rather than one call per folder.
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePosixPath
from typing import Protocol, TypeVar

from django.core.files.storage import default_storage
from django.db.models import Model, QuerySet

from common.hooks import Hook
from vault import blobs
from vault.crypto import DecryptionError
from vault.models import DataKey

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


def key_or_problem(
    fetch: Callable[[], bytes], name: str, label: str
) -> bytes | Problem:
    try:
        return fetch()
    except DataKey.DoesNotExist:
        return Problem("no_key", name, f"{label}: its data key is gone")
    except DecryptionError as exc:
        return Problem("no_key", name, f"{label}: {exc}")


Row = TypeVar("Row", bound=Model)
OnBatch = Callable[[int, int], None]


def batches(rows: QuerySet[Row], after: int, on_batch: OnBatch) -> Iterator[list[Row]]:
    """Rows after the given id in id order; on_batch(last id, count) once each is done."""
    while batch := list(rows.filter(pk__gt=after).order_by("pk")[:BATCH]):
        yield batch
        after = batch[-1].pk
        on_batch(after, len(batch))


def stored_problem(
    name: str, sha256: str, label: str, key: Callable[[], bytes], throttle: Throttle
) -> Problem | None:
    """An object under a key of its own: the key opens, then the object checks out."""
    opened = key_or_problem(key, name, label)
    if isinstance(opened, Problem):
        return opened
    throttle.wait()
    return check_object(name, opened, sha256, label)


def row_problems(
    rows: QuerySet[Row],
    after: int,
    on_batch: OnBatch,
    problem_of: Callable[[Row], Problem | None],
) -> Iterator[Problem]:
    for batch in batches(rows, after, on_batch):
        for row in batch:
            if problem := problem_of(row):
                yield problem


class RowCheck(Protocol):
    def __call__(
        self, *, after: int, throttle: Throttle, on_batch: OnBatch
    ) -> Iterator[Problem]: ...


@dataclass(frozen=True)
class RowPhase:
    """Rows of one kind whose objects are checked, resumable by row id."""

    key: str
    counted: str
    check: RowCheck


@dataclass(frozen=True)
class ObjectKind:
    """A family of stored objects: where they live and which of them a row still claims."""

    prefix: str
    known: Callable[[list[str]], set[str]]


@dataclass(frozen=True)
class KeyUse:
    """Of some data keys' public ids: those a row uses, and those that must be gone."""

    claimed: set[uuid.UUID]
    shredded: set[uuid.UUID]


# Filled by the apps whose rows claim objects, in their AppConfig.ready().
row_phases: Hook[RowPhase] = Hook("row_phases")
object_kinds: Hook[ObjectKind] = Hook("object_kinds")
key_users: Hook[Callable[[list[uuid.UUID]], KeyUse]] = Hook("key_users")


def _key_problems(keys: list[DataKey]) -> Iterator[Problem]:
    """Keys that should be gone (disposal not finished) or that nothing uses."""
    ids = [key.image_public_id for key in keys]
    uses = [use_of(ids) for use_of in key_users]
    claimed = set().union(*(use.claimed for use in uses))
    shredded = set().union(*(use.shredded for use in uses))
    for key in keys:
        public_id = key.image_public_id
        if public_id in shredded:
            yield Problem(
                "unshredded",
                f"data key {public_id}",
                "disposed, but its key survives, so its objects can still be read: "
                "run the disposal again (sweep_retention carries it out) to finish",
            )
        elif public_id not in claimed:
            yield Problem(
                "orphan_key",
                f"data key {public_id}",
                "no image or hard copy uses it (an upload interrupted before its record)",
            )


def check_data_keys(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every data key, in id order: none left of a disposal, none without a user.

    Reads rows only (no objects), so the throttle does not apply.
    """
    for batch in batches(
        DataKey.objects.only("pk", "image_public_id"), after, on_batch
    ):
        yield from _key_problems(batch)


def public_id_in(name: str) -> uuid.UUID | None:
    """The public id an object's name carries: originals/aa/<sha>/<image id>.enc, else
    the folder it is in (derivatives/aa/<image id>/, hardcopies/aa/<copy id>/,
    exports/<bundle id>/)."""
    path = PurePosixPath(name)
    candidate = path.stem if path.parts[0] == "originals" else path.parent.name
    try:
        return uuid.UUID(candidate)
    except ValueError:
        return None


def public_ids_in(names: list[str]) -> set[uuid.UUID]:
    return {pid for name in names if (pid := public_id_in(name)) is not None}


def check_orphans(
    *, after: str = "", on_batch: Callable[[str, int], None]
) -> Iterator[Problem]:
    """Objects in storage that no row claims (left by a crash, or kept after disposal)."""
    # In prefix order, so that one resume point (the last name seen) covers every kind.
    for kind in sorted(object_kinds, key=lambda k: k.prefix):
        start = after if after.startswith(f"{kind.prefix}/") else ""
        if after and not start and after > kind.prefix:
            continue
        names = blobs.stored_names(kind.prefix, after=start)
        while batch := list(islice(names, LISTING_BATCH)):
            known = kind.known(batch)
            for name in batch:
                if name not in known:
                    yield Problem("orphan", name, "object in storage with no record")
            on_batch(batch[-1], len(batch))
