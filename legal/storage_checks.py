"""What verify_storage checks of legal exports: bundles not yet expired."""

from collections.abc import Iterator

from legal.models import ExportBundle
from legal.services import bundle_key
from vault.crypto import DecryptionError
from vault.verification import (
    ObjectKind,
    OnBatch,
    Problem,
    RowPhase,
    Throttle,
    object_kinds,
    public_ids_in,
    row_phases,
    row_problems,
    stored_problem,
)


def _key_on_row(bundle: ExportBundle) -> bytes:
    if bundle.wrapped_key is None:
        raise DecryptionError("its data key is gone")
    return bundle_key(bundle)


def check_export_bundles(
    *, after: int, throttle: Throttle, on_batch: OnBatch
) -> Iterator[Problem]:
    """Every bundle whose row names its object (ready; not yet expired), in id order."""
    return row_problems(
        ExportBundle.objects.exclude(storage_name=""),
        after,
        on_batch,
        lambda bundle: stored_problem(
            bundle.storage_name,
            bundle.sha256,
            f"export bundle {bundle.public_id}",
            lambda: _key_on_row(bundle),
            throttle,
        ),
    )


def _known_bundles(names: list[str]) -> set[str]:
    bundles = ExportBundle.objects.filter(public_id__in=public_ids_in(names))
    return set(bundles.exclude(storage_name="").values_list("storage_name", flat=True))


def register() -> None:
    row_phases.register(RowPhase("exports", "export bundles", check_export_bundles))
    object_kinds.register(ObjectKind(prefix="exports", known=_known_bundles))
