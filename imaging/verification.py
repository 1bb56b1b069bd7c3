"""Checking storage against the database: every object present, readable and unaltered.

Three kinds of row claim objects: active images (original and derivatives), hard-copy
files not yet destroyed (the PDF, under its copy's own key or its one image's), and
export bundles not yet expired (the zip, under the key wrapped on the bundle's row).
The data keys are checked too: a disposed image's (or its copies') key that survives
means crypto-shredding did not finish; a key no image or copy uses is an orphan.
Objects that are legitimately gone (a disposed image, a destroyed hard-copy file, an
expired bundle) have no row claiming them any more, so they are neither checked nor
missed; an object left behind by one of them is an orphan.

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
from typing import TypeVar

from django.core.files.storage import default_storage
from django.db.models import Model, QuerySet

from imaging import blobs
from imaging.crypto import DecryptionError
from imaging.hardcopy.models import HardCopy, HardCopyFile
from imaging.hardcopy.services import file_key
from imaging.legal.services import bundle_key
from imaging.models import ClinicalImage, DataKey, Derivative, ExportBundle

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


def _key_or_problem(
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


def _batches(rows: QuerySet[Row], after: int, on_batch: OnBatch) -> Iterator[list[Row]]:
    """Rows after the given id in id order; on_batch(last id, count) once each is done."""
    while batch := list(rows.filter(pk__gt=after).order_by("pk")[:BATCH]):
        yield batch
        after = batch[-1].pk
        on_batch(after, len(batch))


def _image_problems(image: ClinicalImage, throttle: Throttle) -> Iterator[Problem]:
    label = f"original of image {image.public_id}"
    key = _key_or_problem(
        lambda: blobs.data_key(image.public_id), image.storage_name, label
    )
    if isinstance(key, Problem):
        yield key
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
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every active image after the given id, in id order; on_batch(last id, count)."""
    images = ClinicalImage.objects.active().prefetch_related("derivatives")
    for batch in _batches(images, after, on_batch):
        for image in batch:
            yield from _image_problems(image, throttle)


def _stored_problem(
    name: str, sha256: str, label: str, key: Callable[[], bytes], throttle: Throttle
) -> Problem | None:
    """An object under a key of its own: the key opens, then the object checks out."""
    opened = _key_or_problem(key, name, label)
    if isinstance(opened, Problem):
        return opened
    throttle.wait()
    return check_object(name, opened, sha256, label)


def _row_problems(
    rows: QuerySet[Row],
    after: int,
    on_batch: OnBatch,
    problem_of: Callable[[Row], Problem | None],
) -> Iterator[Problem]:
    for batch in _batches(rows, after, on_batch):
        for row in batch:
            if problem := problem_of(row):
                yield problem


def _hard_copy_file_problem(
    pdf_file: HardCopyFile, throttle: Throttle
) -> Problem | None:
    copy = pdf_file.hard_copy
    label = f"file {pdf_file.number} of hard copy {copy.public_id}"
    return _stored_problem(
        pdf_file.storage_name, pdf_file.sha256, label, lambda: file_key(copy), throttle
    )


def check_hard_copy_files(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every hard-copy PDF still stored (not destroyed with its image), in id order."""
    files = HardCopyFile.objects.filter(destroyed_at__isnull=True)
    return _row_problems(
        files.select_related("hard_copy"),
        after,
        on_batch,
        lambda pdf_file: _hard_copy_file_problem(pdf_file, throttle),
    )


def _key_on_row(bundle: ExportBundle) -> bytes:
    if bundle.wrapped_key is None:
        raise DecryptionError("its data key is gone")
    return bundle_key(bundle)


def check_export_bundles(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every bundle whose row names its object (ready; not yet expired), in id order."""
    return _row_problems(
        ExportBundle.objects.exclude(storage_name=""),
        after,
        on_batch,
        lambda bundle: _stored_problem(
            bundle.storage_name,
            bundle.sha256,
            f"export bundle {bundle.public_id}",
            lambda: _key_on_row(bundle),
            throttle,
        ),
    )


def _key_problems(keys: list[DataKey]) -> Iterator[Problem]:
    """Keys that should be gone (disposal not finished) or that nothing uses."""
    ids = [key.image_public_id for key in keys]
    images = dict(
        ClinicalImage.objects.filter(public_id__in=ids).values_list(
            "public_id", "status"
        )
    )
    copies = HardCopy.objects.filter(public_id__in=ids, has_own_key=True)
    copy_ids = set(copies.values_list("public_id", flat=True))
    # A copy of several images is shredded with the first of them to be disposed.
    shredded_copies = set(
        copies.filter(items__image__status=ClinicalImage.Status.DISPOSED).values_list(
            "public_id", flat=True
        )
    )
    for key in keys:
        public_id = key.image_public_id
        if images.get(public_id) == ClinicalImage.Status.DISPOSED or (
            public_id in shredded_copies
        ):
            yield Problem(
                "unshredded",
                f"data key {public_id}",
                "disposed, but its key survives, so its objects can still be read: "
                "run the disposal again (sweep_retention carries it out) to finish",
            )
        elif public_id not in images and public_id not in copy_ids:
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
    for batch in _batches(
        DataKey.objects.only("pk", "image_public_id"), after, on_batch
    ):
        yield from _key_problems(batch)


def _public_id(name: str) -> uuid.UUID | None:
    """The public id an object's name carries: originals/aa/<sha>/<image id>.enc, else
    the folder it is in (derivatives/aa/<image id>/, hardcopies/aa/<copy id>/,
    exports/<bundle id>/)."""
    path = PurePosixPath(name)
    candidate = path.stem if path.parts[0] == "originals" else path.parent.name
    try:
        return uuid.UUID(candidate)
    except ValueError:
        return None


def _known_image_objects(names: list[str]) -> set[str]:
    images = ClinicalImage.objects.active().filter(public_id__in=_ids(names))
    derivatives = Derivative.objects.filter(image__in=images)
    return set(images.values_list("storage_name", flat=True)) | set(
        derivatives.values_list("storage_name", flat=True)
    )


def _ids(names: list[str]) -> set[uuid.UUID]:
    return {pid for name in names if (pid := _public_id(name)) is not None}


def _known_hard_copy_files(names: list[str]) -> set[str]:
    files = HardCopyFile.objects.filter(
        hard_copy__public_id__in=_ids(names), destroyed_at__isnull=True
    )
    return set(files.values_list("storage_name", flat=True))


def _known_bundles(names: list[str]) -> set[str]:
    bundles = ExportBundle.objects.filter(public_id__in=_ids(names))
    return set(bundles.exclude(storage_name="").values_list("storage_name", flat=True))


@dataclass(frozen=True)
class ObjectKind:
    """A family of stored objects: where they live and which of them a row still claims."""

    prefix: str
    known: Callable[[list[str]], set[str]]


OBJECT_KINDS = [
    ObjectKind(prefix="originals", known=_known_image_objects),
    ObjectKind(prefix="derivatives", known=_known_image_objects),
    ObjectKind(prefix="hardcopies", known=_known_hard_copy_files),
    ObjectKind(prefix="exports", known=_known_bundles),
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
        names = blobs.stored_names(kind.prefix, after=start)
        while batch := list(islice(names, LISTING_BATCH)):
            known = kind.known(batch)
            for name in batch:
                if name not in known:
                    yield Problem("orphan", name, "object in storage with no record")
            on_batch(batch[-1], len(batch))
