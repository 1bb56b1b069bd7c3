"""What verify_storage checks of hard copies: stored PDFs, and keys of their own."""

from collections.abc import Iterator
from uuid import UUID

from hardcopy.models import HardCopy, HardCopyFile
from hardcopy.services import file_key
from imaging.models import ClinicalImage
from vault.verification import (
    KeyUse,
    ObjectKind,
    OnBatch,
    Problem,
    RowPhase,
    Throttle,
    key_users,
    object_kinds,
    public_ids_in,
    row_phases,
    row_problems,
    stored_problem,
)


def _hard_copy_file_problem(
    pdf_file: HardCopyFile, throttle: Throttle
) -> Problem | None:
    copy = pdf_file.hard_copy
    label = f"file {pdf_file.number} of hard copy {copy.public_id}"
    return stored_problem(
        pdf_file.storage_name, pdf_file.sha256, label, lambda: file_key(copy), throttle
    )


def check_hard_copy_files(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every hard-copy PDF still stored (not destroyed with its image), in id order."""
    files = HardCopyFile.objects.filter(destroyed_at__isnull=True)
    return row_problems(
        files.select_related("hard_copy"),
        after,
        on_batch,
        lambda pdf_file: _hard_copy_file_problem(pdf_file, throttle),
    )


def _known_hard_copy_files(names: list[str]) -> set[str]:
    files = HardCopyFile.objects.filter(
        hard_copy__public_id__in=public_ids_in(names), destroyed_at__isnull=True
    )
    return set(files.values_list("storage_name", flat=True))


def _key_use(ids: list[UUID]) -> KeyUse:
    copies = HardCopy.objects.filter(public_id__in=ids, has_own_key=True)
    # A copy of several images is shredded with the first of them to be disposed.
    shredded = copies.filter(items__image__status=ClinicalImage.Status.DISPOSED)
    return KeyUse(
        claimed=set(copies.values_list("public_id", flat=True)),
        shredded=set(shredded.values_list("public_id", flat=True)),
    )


def register() -> None:
    row_phases.register(
        RowPhase("hardcopies", "hard-copy files", check_hard_copy_files)
    )
    object_kinds.register(ObjectKind(prefix="hardcopies", known=_known_hard_copy_files))
    key_users.register(_key_use)
