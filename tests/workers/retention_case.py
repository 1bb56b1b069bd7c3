"""The retention scenario real-worker tests sweep: one photo due, one held, one not yet due.

Shared by the pipeline test (which sends the nightly task as beat would) and the beat test
(where beat itself sends it), so both judge the same proposal.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from imaging.models import ClinicalImage
from legal.holds import place_legal_hold
from records.models import Ward
from retention.models import DisposalBatch, RetentionRule
from retention.rules import save_retention_rule
from retention.verification import verify_retention_rule
from tests.retention.conftest import patient_seen, photo_of
from vault import blobs

NIGHTLY_SWEEP = "retention-sweep-daily"


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


def three_photos_under_the_schedule(request: pytest.FixtureRequest) -> RetentionCase:
    """A private NSW hospital keeping adults' records 7 years after their last visit."""
    nurse, ward = request.getfixturevalue("nurse"), request.getfixturevalue("ward")
    ward.facility.sector = "private"
    ward.facility.save()
    manager = request.getfixturevalue("records_manager")
    rule = save_retention_rule(
        actor=manager,
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
    # Nothing is disposed of under a rule until a records manager has checked it.
    verify_retention_rule(
        actor=manager,
        rule=rule,
        source_title="Health Records and Information Privacy Act 2002 (NSW)",
        source_version="current",
        clause="s 25",
        reason="Read against the Act",
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
    return case


def proposed_batch() -> DisposalBatch | None:
    return DisposalBatch.objects.filter(status=DisposalBatch.Status.PROPOSED).first()


def decrypts_unaltered(image: ClinicalImage) -> bool:
    key = blobs.data_key(image.public_id)
    digest = hashlib.sha256()
    for piece in blobs.read_decrypted(image.storage_name, key):
        digest.update(piece)
    return digest.hexdigest() == image.sha256


def only_the_due_photo_awaits_review(case: RetentionCase) -> None:
    batch = proposed_batch()
    assert batch is not None
    assert batch.proposed_by is None
    proposed = set(batch.items.values_list("image_id", flat=True))
    assert proposed == {case.due.pk}
    # Proposed is not destroyed: every original is still there and still decrypts.
    for image in (case.due, case.held, case.not_yet_due):
        image.refresh_from_db()
        assert image.status == ClinicalImage.Status.ACTIVE
        assert decrypts_unaltered(image)
    assert case.not_yet_due.retain_until is not None
    assert case.not_yet_due.retain_until > timezone.localdate()
