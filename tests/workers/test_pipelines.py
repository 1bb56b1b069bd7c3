"""Each background pipeline runs end to end on a real worker, from a committed user act.

Adding a pipeline is one Pipeline entry: what the user does, how to tell the work is
done, and what a user would then find. The retention sweep, as beat starts it each night,
also goes on past the proposal: two approvals, then the worker carries out the disposal.
"""

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image

from config.celery import app as celery_app
from imaging import blobs
from imaging.hardcopy.models import HardCopy, HardCopyFile
from imaging.legal.services import open_matter, request_export
from imaging.models import ClinicalImage, DataKey, Derivative, ExportBundle
from imaging.services.access import derivative_bytes
from records.holds import place_legal_hold
from records.models import (
    DisposalBatch,
    DisposalItem,
    DisposalRecord,
    RetentionRule,
    Ward,
)
from records.retention.review import approve_disposal, start_disposal
from records.retention.rules import save_retention_rule
from tests.factories import capture
from tests.retention.conftest import patient_seen, photo_of
from tests.workers.conftest import Stack, wait_for

pytestmark = pytest.mark.real_worker

NIGHTLY_SWEEP = "retention-sweep-daily"


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


@dataclass(frozen=True)
class RetentionCase:
    """Three old enough photos: one due, one due but under a legal hold, one not yet due."""

    due: ClinicalImage
    held: ClinicalImage
    not_yet_due: ClinicalImage


def _photo_discharged(nurse: User, ward: Ward, years_ago: int) -> ClinicalImage:
    seen = timezone.localdate() - timedelta(days=366 * years_ago)
    person = patient_seen(ward, born=seen - timedelta(days=366 * 40), last_seen=seen)
    return photo_of(nurse, person, seen)


def _sweep_the_schedule(request: pytest.FixtureRequest) -> object:
    nurse, ward = request.getfixturevalue("nurse"), request.getfixturevalue("ward")
    ward.facility.sector = "private"
    ward.facility.save()
    save_retention_rule(
        actor=request.getfixturevalue("records_manager"),
        rule=RetentionRule(
            name="NSW adult",
            jurisdiction="NSW",
            sector="private",
            trigger="last_service",
            years=7,
            citation="NSW HRIPA s25",
        ),
        reason="The schedule this hospital follows",
    )
    case = RetentionCase(
        due=_photo_discharged(nurse, ward, years_ago=10),
        held=_photo_discharged(nurse, ward, years_ago=10),
        not_yet_due=_photo_discharged(nurse, ward, years_ago=1),
    )
    place_legal_hold(
        actor=request.getfixturevalue("legal_officer"),
        reason="Claim notified",
        patients=[case.held.patient],
    )
    # Exactly what beat sends each night.
    celery_app.send_task(
        str(django_settings.CELERY_BEAT_SCHEDULE[NIGHTLY_SWEEP]["task"])
    )
    return case


def _proposed_batch() -> DisposalBatch | None:
    return DisposalBatch.objects.filter(status=DisposalBatch.Status.PROPOSED).first()


def _decrypts_unaltered(image: ClinicalImage) -> bool:
    key = blobs.data_key(image.public_id)
    digest = hashlib.sha256()
    for piece in blobs.read_decrypted(image.storage_name, key):
        digest.update(piece)
    return digest.hexdigest() == image.sha256


def _only_the_due_photo_awaits_review(case: object, media: Path) -> None:
    assert isinstance(case, RetentionCase)
    batch = _proposed_batch()
    assert batch is not None
    assert batch.proposed_by is None
    proposed = set(batch.items.values_list("image_id", flat=True))
    assert proposed == {case.due.pk}
    # Proposed is not destroyed: every original is still there and still decrypts.
    for image in (case.due, case.held, case.not_yet_due):
        image.refresh_from_db()
        assert image.status == ClinicalImage.Status.ACTIVE
        assert _decrypts_unaltered(image)
    assert case.not_yet_due.retain_until is not None
    assert case.not_yet_due.retain_until > timezone.localdate()


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
        is_done=lambda _: _proposed_batch() is not None,
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
    wait_for(lambda: _proposed_batch() is not None, "the sweep to propose a batch")
    batch = _proposed_batch()
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
        assert _decrypts_unaltered(kept)
