"""Retention rules (versioned), medico-legal flags, disposal batches and the register.

Imported at the end of records/models.py so the models belong to the records app.
"""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from records.models import Jurisdiction, Patient, RecordClass, Sector


class RetentionTrigger(models.TextChoices):
    LAST_SERVICE = "last_service", "Years after the last occasion of service"
    AGE = "age", "Until the patient reaches an age"
    DEATH = "death", "Years after death"
    CAPTURE = "capture", "Years after the image was taken"
    INDEFINITE = "indefinite", "Kept indefinitely"


class RetentionScope(models.TextChoices):
    ALL = "all", "Every image"
    ADULTS = "adults", "Images taken when the patient was 18 or older"
    MINORS = "minors", "Images taken while the patient was under 18"
    DECEASED = "deceased", "Images of patients who have died"


class Combine(models.TextChoices):
    LATER_OF = "later_of", "The later of the dates"
    # Same date as later_of; kept apart so the rule reads as the schedule says ("AND").
    ALL_OF = "all_of", "Every period must pass"


def rule_fact(trigger: str, years: int) -> str:
    """What a rule keeps an image for, in words: "patient turns 25"."""
    period = f"{years} year" if years == 1 else f"{years} years"
    return {
        RetentionTrigger.LAST_SERVICE: f"{period} after the last service",
        RetentionTrigger.AGE: f"patient turns {years}",
        RetentionTrigger.DEATH: f"{period} after death",
        RetentionTrigger.CAPTURE: f"{period} after the photo was taken",
    }.get(RetentionTrigger(trigger), "kept indefinitely")


class RetentionRule(models.Model):
    """One line of a retention schedule; every image's date is the latest of its rules."""

    Trigger = RetentionTrigger
    Scope = RetentionScope

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(
        max_length=3, choices=Jurisdiction.choices, blank=True, help_text="Blank: all."
    )
    sector = models.CharField(
        max_length=7, choices=Sector.choices, blank=True, help_text="Blank: both."
    )
    applies_to = models.CharField(
        max_length=10, choices=RetentionScope.choices, default=RetentionScope.ALL
    )
    trigger = models.CharField(max_length=12, choices=RetentionTrigger.choices)
    years = models.PositiveSmallIntegerField(
        default=0, help_text="The period, or the age for an age trigger."
    )
    second_trigger = models.CharField(
        max_length=12, choices=RetentionTrigger.choices, blank=True
    )
    second_years = models.PositiveSmallIntegerField(default=0)
    combine = models.CharField(
        max_length=8, choices=Combine.choices, default=Combine.LATER_OF
    )
    record_class = models.CharField(
        max_length=13, choices=RecordClass.choices, blank=True, help_text="Blank: all."
    )
    sample_one_in = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Permanent for 1 in N images only (chosen by public id), e.g. NT 100.",
    )
    instrument = models.CharField(max_length=300, blank=True)
    class_ref = models.CharField("class reference", max_length=60, blank=True)
    citation = models.CharField(max_length=300)
    needs_verification = models.BooleanField(
        default=True, help_text="Verify against the authorised text, then clear this."
    )
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "records_retentionrule"
        ordering = ["jurisdiction", "sector", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__in=RetentionTrigger.values),
                name="rule_trigger_valid",
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=RetentionScope.values),
                name="rule_scope_valid",
            ),
            models.CheckConstraint(
                condition=~Q(citation=""), name="rule_citation_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(trigger="indefinite") | Q(years__gt=0),
                name="rule_period_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation}: {rule_fact(self.trigger, self.years)}"


class RetentionRuleVersion(models.Model):
    """What a rule said from a moment on, so a past retain-until can be explained."""

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    content = models.JSONField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "records_retentionruleversion"
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "version"], name="rule_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class MedicoLegalFlag(models.Model):
    """Suspends disposal of a patient's or one image's records until cleared."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        ADVERSE_EVENT = "adverse_event", "Adverse event"
        FORESEEABLE_CLAIM = "claim", "Foreseeable claim"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="medico_legal_flags",
    )
    image = models.ForeignKey(
        "imaging.ClinicalImage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="medico_legal_flags",
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(blank=True)

    class Meta:
        db_table = "records_medicolegalflag"
        ordering = ["-set_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(patient__isnull=True) & Q(image__isnull=False))
                | (Q(patient__isnull=False) & Q(image__isnull=True)),
                name="flag_on_patient_xor_image",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="flag_reason_not_empty"
            ),
            models.CheckConstraint(
                condition=(Q(cleared_at__isnull=True) & Q(cleared_by__isnull=True))
                | (Q(cleared_at__isnull=False) & Q(cleared_by__isnull=False)),
                name="flag_clear_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} flag {self.public_id}"


class BatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting first approval"
    APPROVED_ONCE = "approved_once", "Awaiting second approval"
    APPROVED = "approved", "Approved, waiting period"
    OBJECTED = "objected", "Objected: will not be carried out"
    DISPOSING = "disposing", "Being carried out"
    COMPLETED = "completed", "Carried out"


class DisposalBatch(models.Model):
    """Images the sweep found due, on their way through review, approval and disposal."""

    Status = BatchStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=13, choices=BatchStatus.choices, default=BatchStatus.PROPOSED
    )
    due_on = models.DateField(help_text="Images kept until before this date.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "records_disposalbatch"
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="batch_status_valid"
            ),
            # The four-eyes rule, kept by the database whatever the code does.
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True)
                | (
                    ~Q(second_approved_by=models.F("first_approved_by"))
                    & (
                        Q(proposed_by__isnull=True)
                        | ~Q(second_approved_by=models.F("proposed_by"))
                    )
                ),
                name="batch_second_approver_distinct",
            ),
            models.CheckConstraint(
                condition=Q(first_approved_by__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(first_approved_by=models.F("proposed_by")),
                name="batch_proposer_not_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"Disposal batch {self.public_id}"


class DisposalItem(models.Model):
    """One image in a batch; removed items stay listed with who removed them and why."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        REMOVED = "removed", "Removed in review"
        DISPOSED = "disposed", "Disposed"
        KEPT = "kept", "Kept: no longer due, held or flagged"

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="items"
    )
    image = models.ForeignKey(
        "imaging.ClinicalImage", on_delete=models.PROTECT, related_name="+"
    )
    retain_until = models.DateField()
    basis = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "records_disposalitem"
        ordering = ["retain_until", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "image"], name="disposal_item_unique"
            ),
        ]
        indexes = [models.Index(fields=["image", "outcome"])]

    def __str__(self) -> str:
        return f"{self.image_id} in {self.batch_id}"


class DisposalObjection(models.Model):
    """A records manager's objection during the waiting period stops the batch."""

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="objections"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        db_table = "records_disposalobjection"
        ordering = ["raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="objection_reason_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Objection to {self.batch_id}"


class PermanentRecordError(Exception):
    """The disposal register is never changed or removed."""


class DisposalRecordQuerySet(models.QuerySet["DisposalRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermanentRecordError("The disposal register cannot be changed.")

    def delete(self) -> NoReturn:
        raise PermanentRecordError("The disposal register cannot be deleted.")


class DisposalRecord(models.Model):
    """The register entry that outlives the image: what, whose, when, why, who said so."""

    image_public_id = models.UUIDField(unique=True)
    facility_code = models.CharField(max_length=10)
    patient_mrn = models.CharField(max_length=20)
    patient_name = models.CharField(max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    captured_at = models.DateTimeField()
    retain_until = models.DateField()
    basis = models.CharField(max_length=500)
    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="records"
    )
    approvers = models.CharField(max_length=300)
    destroyed_at = models.DateTimeField()
    method = models.CharField(max_length=200)
    printed_copy_exists = models.BooleanField()
    # Storage objects to remove; kept so an interrupted disposal can finish the job.
    storage_names = models.JSONField(default=list)

    objects = DisposalRecordQuerySet.as_manager()

    class Meta:
        db_table = "records_disposalrecord"
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"Disposed {self.image_public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermanentRecordError("The disposal register cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermanentRecordError("The disposal register cannot be deleted.")


class RuleVerification(models.Model):
    """A records manager read a rule against the authorised text: who, when, which text."""

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="verifications"
    )
    rule_version = models.PositiveIntegerField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(auto_now_add=True)
    source_title = models.CharField(max_length=300)
    source_version = models.CharField(max_length=100)
    clause = models.CharField(max_length=100)
    reason = models.TextField()

    class Meta:
        ordering = ["-verified_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_title="")
                & ~Q(source_version="")
                & ~Q(clause="")
                & ~Q(reason=""),
                name="verification_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} verified against {self.source_title} {self.clause}"


class RetentionRuleChange(models.Model):
    """A rule change that would shorten retention, awaiting a second records manager."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a second records manager"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null: a new rule, made when the change is approved.
    rule = models.ForeignKey(
        RetentionRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )
    # The version the change was made against: approving a stale change is refused.
    base_version = models.PositiveIntegerField(default=0)
    content = models.JSONField()
    reason = models.TextField()
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="rule_change_status_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="rule_change_reason"),
            # Four eyes: whoever proposed a change never approves it.
            models.CheckConstraint(
                condition=~Q(status="approved") | ~Q(decided_by=F("proposed_by")),
                name="rule_change_second_manager",
            ),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(status="pending"),
                name="rule_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.content.get('name', '')} ({self.status})"


class FreezeScope(models.TextChoices):
    CHILDREN = "children_at_service", "Patients who were children at any service"
    RECORD_CLASS = "record_class", "Images of one record class"
    ALL = "all", "Every image"


class DisposalFreeze(models.Model):
    """An authority's order not to destroy some records; off until switched on."""

    Scope = FreezeScope

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    issuing_body = models.CharField(max_length=300)
    issued = models.CharField(max_length=10, help_text="ISO date, or year(-month).")
    jurisdiction = models.CharField(
        max_length=3,
        choices=Jurisdiction.choices,
        blank=True,
        help_text="Blank: every jurisdiction.",
    )
    scope = models.CharField(max_length=20, choices=FreezeScope.choices)
    record_class = models.CharField(
        max_length=13, choices=RecordClass.choices, blank=True
    )
    min_years = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=500)
    is_active = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction", "issued"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=FreezeScope.values), name="freeze_scope_valid"
            ),
            models.CheckConstraint(
                condition=~Q(scope="record_class") | ~Q(record_class=""),
                name="freeze_class_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title
