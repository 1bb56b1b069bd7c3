"""What retention adds to the apps before it; registered in RetentionConfig.ready()."""

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.urls import reverse

from accounts.permissions import may_approve_disposal
from accounts.roles import Role
from common.queue import enqueue
from imaging import hooks
from imaging.models import ClinicalImage
from records import hooks as record_hooks
from records.models import Facility, Patient
from retention import storage_checks
from retention.freezes import freeze_filter
from retention.models import DisposalBatch

DISPOSAL_FREEZE = hooks.Keeper(
    key="disposal_freeze", reason="under a disposal freeze", matches=freeze_filter
)


def _date_new_image(image: ClinicalImage) -> None:
    # Its keep-until date is known from the first moment, not the next sweep.
    enqueue("retention.tasks.recompute_retention", [image.patient_id])


def _redate_moved_image(moved: hooks.MovedImage) -> None:
    # The right patient's facts (age, last service, death) now decide its keep-until.
    enqueue("retention.tasks.recompute_retention", [moved.image.patient_id])


def _batches_to_approve(user: User, roles: list[Role]) -> list[record_hooks.Duty]:
    if not may_approve_disposal(user):
        return []
    undecided = (DisposalBatch.Status.PROPOSED, DisposalBatch.Status.APPROVED_ONCE)
    return [
        record_hooks.Duty(
            DisposalBatch.objects.filter(status__in=undecided).count(),
            "disposal batch awaits approval",
            "disposal batches await approval",
            reverse("retention:batches"),
        )
    ]


def _facilities_short_of_approvers(
    user: User, roles: list[Role]
) -> list[record_hooks.Duty]:
    """Two records managers (other than a proposer) must approve: fewer blocks disposal."""
    if Role.ADMINISTRATOR not in roles:
        return []
    managers = Count(
        "assignments__user",
        filter=Q(
            assignments__user__groups__name=Role.RECORDS_MANAGER,
            assignments__user__is_active=True,
        ),
        distinct=True,
    )
    short = Facility.objects.annotate(managers=managers).filter(managers__lt=2)
    return [
        record_hooks.Duty(
            short.count(),
            "facility has fewer than two records managers: no disposal there "
            "can be approved",
            "facilities have fewer than two records managers: no disposal there "
            "can be approved",
            reverse("admin:records_facilityassignment_changelist"),
        )
    ]


def _redate_patient(patient: Patient) -> None:
    enqueue("retention.tasks.recompute_retention", [patient.pk])


def register() -> None:
    storage_checks.register()
    record_hooks.patient_facts_changed.register(_redate_patient)
    record_hooks.waiting_duties.register(_batches_to_approve)
    record_hooks.waiting_duties.register(_facilities_short_of_approvers)
    hooks.image_captured.register(_date_new_image)
    hooks.image_moved.register(_redate_moved_image)
    # Freezes keep images like a legal hold: the image page, sweep and disposal see them.
    hooks.keepers.register(DISPOSAL_FREEZE)
