"""Each background pipeline runs end to end on a real worker, from a committed user act.

Adding a pipeline is one Pipeline entry: what the user does, how to tell the work is
done, and what a user would then find. The retention sweep, as beat starts it each night,
also goes on past the proposal: two approvals, then the worker carries out the disposal.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from PIL import Image

from config.celery import app as celery_app
from hardcopy.models import HardCopy, HardCopyFile
from imaging.models import ClinicalImage, Derivative
from imaging.services.access import derivative_bytes
from legal.models import ExportBundle
from legal.services import open_matter, request_export
from retention.models import DisposalBatch, DisposalItem, DisposalRecord
from retention.review import approve_disposal, start_disposal
from tests.factories import capture
from tests.workers.conftest import Stack, wait_for
from tests.workers.retention_case import (
    NIGHTLY_SWEEP,
    RetentionCase,
    decrypts_unaltered,
    only_the_due_photo_awaits_review,
    proposed_batch,
    three_photos_under_the_schedule,
)
from vault.models import DataKey

pytestmark = pytest.mark.real_worker


@dataclass(frozen=True)
class Pipeline:
    name: str
    start: Callable[[pytest.FixtureRequest], object]
    is_done: Callable[[object], bool]
    check: Callable[[object, Path], None]


def _capture_photo(request: pytest.FixtureRequest) -> object:
    return capture(
        actor=request.getfixturevalue("nurse"),
        patient=request.getfixturevalue("patient"),
    )


def _has_derivatives(image: object) -> bool:
    assert isinstance(image, ClinicalImage)
    return image.derivatives.count() == len(Derivative.Kind.values)


def _derivatives_show_the_photo(image: object, media: Path) -> None:
    assert isinstance(image, ClinicalImage)
    for derivative in image.derivatives.all():
        with Image.open(io.BytesIO(derivative_bytes(derivative))) as shown:
            assert shown.size == (derivative.width, derivative.height)
    # Exactly once: the original and one object per derivative, nothing left over.
    stored = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    assert stored == {
        image.storage_name,
        *image.derivatives.values_list("storage_name", flat=True),
    }


def _capture_for_paper_record(request: pytest.FixtureRequest) -> object:
    patient = request.getfixturevalue("patient")
    patient.facility.electronic_record = False
    patient.facility.save()
    return _capture_photo(request)


def _automatic_copy(image: object) -> HardCopy | None:
    assert isinstance(image, ClinicalImage)
    return HardCopy.objects.filter(
        images=image, origin=HardCopy.Origin.AUTOMATIC
    ).first()


def _hard_copy_ready(image: object) -> bool:
    copy = _automatic_copy(image)
    return copy is not None and copy.status == HardCopy.Status.READY


def _one_printable_copy(image: object, media: Path) -> None:
    assert isinstance(image, ClinicalImage)
    assert HardCopy.objects.filter(images=image).count() == 1
    copy = _automatic_copy(image)
    assert copy is not None
    names = [f.storage_name for f in HardCopyFile.objects.filter(hard_copy=copy)]
    assert names
    assert all((media / name).is_file() for name in names)


def _export_a_matter(request: pytest.FixtureRequest) -> object:
    legal = request.getfixturevalue("legal_officer")
    patient = request.getfixturevalue("patient")
    capture(actor=request.getfixturevalue("nurse"), patient=patient)
    matter = open_matter(
        actor=legal,
        reference="WORKER-1",
        kind="litigation",
        patients=[patient.public_id],
    )
    return request_export(actor=legal, matter=matter)


def _bundle_ready(bundle: object) -> bool:
    assert isinstance(bundle, ExportBundle)
    bundle.refresh_from_db()
    return bundle.status == ExportBundle.Status.READY


def _bundle_stored(bundle: object, media: Path) -> None:
    assert isinstance(bundle, ExportBundle)
    assert bundle.progress == 100
    assert len(bundle.sha256) == 64
    assert (media / bundle.storage_name).is_file()


def _sweep_the_schedule(request: pytest.FixtureRequest) -> object:
    case = three_photos_under_the_schedule(request)
    # Exactly what beat sends each night.
    celery_app.send_task(
        str(django_settings.CELERY_BEAT_SCHEDULE[NIGHTLY_SWEEP]["task"])
    )
    return case


def _only_the_due_photo_awaits_review(case: object, media: Path) -> None:
    assert isinstance(case, RetentionCase)
    only_the_due_photo_awaits_review(case)


PIPELINES = [
    Pipeline(
        name="ingest-derivatives",
        start=_capture_photo,
        is_done=_has_derivatives,
        check=_derivatives_show_the_photo,
    ),
    Pipeline(
        name="paper-record-hard-copy",
        start=_capture_for_paper_record,
        is_done=_hard_copy_ready,
        check=_one_printable_copy,
    ),
    Pipeline(
        name="legal-export",
        start=_export_a_matter,
        is_done=_bundle_ready,
        check=_bundle_stored,
    ),
    Pipeline(
        name="retention-sweep",
        start=_sweep_the_schedule,
        is_done=lambda _: proposed_batch() is not None,
        check=_only_the_due_photo_awaits_review,
    ),
]


@pytest.mark.parametrize("pipeline", PIPELINES, ids=lambda p: p.name)
def test_the_pipeline_runs_end_to_end_on_a_real_worker(
    pipeline: Pipeline, stack: Stack, request: pytest.FixtureRequest
) -> None:
    stack.start_worker()

    subject = pipeline.start(request)

    wait_for(lambda: pipeline.is_done(subject), f"the {pipeline.name} pipeline")
    pipeline.check(subject, stack.data_dir / "media")


def test_an_approved_disposal_is_carried_out_by_the_worker(
    stack: Stack, request: pytest.FixtureRequest, settings: Any
) -> None:
    settings.CUSTODIAN_DISPOSAL_WAIT_DAYS = 0
    first, second = (
        request.getfixturevalue("records_manager"),
        request.getfixturevalue("records_manager2"),
    )
    stack.start_worker()
    case = _sweep_the_schedule(request)
    assert isinstance(case, RetentionCase)
    wait_for(lambda: proposed_batch() is not None, "the sweep to propose a batch")
    batch = proposed_batch()
    assert batch is not None
    approve_disposal(actor=first, batch=batch)
    approve_disposal(actor=second, batch=batch)

    start_disposal(actor=second, batch=batch)

    def completed() -> bool:
        batch.refresh_from_db()
        return batch.status == DisposalBatch.Status.COMPLETED

    wait_for(completed, "the worker to carry out the disposal")
    # The register entry a records manager (or an auditor) reads afterwards.
    entry = DisposalRecord.objects.get(batch=batch)
    assert entry.image_public_id == case.due.public_id
    assert entry.sha256 == case.due.sha256
    assert "s25" in entry.basis
    assert first.username in entry.approvers
    assert second.username in entry.approvers
    assert batch.items.get().outcome == DisposalItem.Outcome.DISPOSED
    # Crypto-shredded: the key is gone, and so is every object the entry names.
    assert not DataKey.objects.filter(image_public_id=case.due.public_id).exists()
    media = stack.data_dir / "media"
    assert case.due.storage_name in entry.storage_names
    assert len(entry.storage_names) == 1 + len(Derivative.Kind.values)
    assert not any((media / name).exists() for name in entry.storage_names)
    for kept in (case.held, case.not_yet_due):
        kept.refresh_from_db()
        assert kept.status == ClinicalImage.Status.ACTIVE
        assert decrypts_unaltered(kept)
