"""A records manager sets an image's own record class (blank: its ward's again)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from common.queue import enqueue
from imaging.models import ClinicalImage
from records.models import RecordClass
from retention.exceptions import RetentionRefused


@transaction.atomic
def set_record_class(
    *,
    actor: User,
    image: ClinicalImage,
    record_class: str,
    reason: str,
    request: HttpRequest | None = None,
) -> ClinicalImage:
    """Give the image its own record class, audited; its retain-until follows."""
    if not may_manage_retention(actor):
        raise PermissionDenied("Only records managers set an image's record class.")
    if record_class and record_class not in RecordClass.values:
        raise RetentionRefused("No such record class.", field="record_class")
    if not reason.strip():
        raise RetentionRefused("Say why the class changes.", field="reason")
    before = image.record_class
    ClinicalImage.objects.filter(pk=image.pk).update(record_class=record_class)
    image.refresh_from_db()
    record_event(
        actor=actor,
        action=Action.RULE_CHANGED,
        target=image,
        patient=image.patient,
        request=request,
        reason=reason.strip(),
        detail={"record_class": {"before": before, "after": record_class}},
    )
    enqueue("retention.tasks.recompute_retention", [image.patient_id])
    return image
