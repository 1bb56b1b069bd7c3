"""What verify_storage checks of images: originals and derivatives, and their keys."""

from collections.abc import Iterator
from uuid import UUID

from imaging.models import ClinicalImage, Derivative
from vault import blobs
from vault.verification import (
    KeyUse,
    ObjectKind,
    OnBatch,
    Problem,
    RowPhase,
    Throttle,
    batches,
    check_object,
    key_or_problem,
    key_users,
    object_kinds,
    public_ids_in,
    row_phases,
)


def _image_problems(image: ClinicalImage, throttle: Throttle) -> Iterator[Problem]:
    label = f"original of image {image.public_id}"
    key = key_or_problem(
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
    for batch in batches(images, after, on_batch):
        for image in batch:
            yield from _image_problems(image, throttle)


def _known_image_objects(names: list[str]) -> set[str]:
    images = ClinicalImage.objects.active().filter(public_id__in=public_ids_in(names))
    derivatives = Derivative.objects.filter(image__in=images)
    return set(images.values_list("storage_name", flat=True)) | set(
        derivatives.values_list("storage_name", flat=True)
    )


def _key_use(ids: list[UUID]) -> KeyUse:
    status = dict(
        ClinicalImage.objects.filter(public_id__in=ids).values_list(
            "public_id", "status"
        )
    )
    disposed = {pid for pid, s in status.items() if s == ClinicalImage.Status.DISPOSED}
    return KeyUse(claimed=set(status), shredded=disposed)


def register() -> None:
    row_phases.register(RowPhase("images", "images", check_images))
    object_kinds.register(ObjectKind(prefix="originals", known=_known_image_objects))
    object_kinds.register(ObjectKind(prefix="derivatives", known=_known_image_objects))
    key_users.register(_key_use)
