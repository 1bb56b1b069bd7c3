"""Legal matters, the holds that keep their records, and the export bundles made for them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from imaging.models import SHA256_REGEX, ClinicalImage
from records.models import Patient


class LegalMatter(models.Model):
    """Proceedings, a complaint or an inquiry for which records must be kept and produced."""

    class Kind(models.TextChoices):
        LITIGATION = "litigation", "Litigation"
        COMPLAINT = "complaint", "Complaint"
        CORONER = "coroner", "Coroner"
        SUBPOENA = "subpoena", "Subpoena"
        FOI = "foi", "Freedom of information"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(blank=True)
    court_or_body = models.CharField(max_length=200, blank=True)
    patients = models.ManyToManyField(Patient, related_name="legal_matters", blank=True)
    images = models.ManyToManyField(
        ClinicalImage, related_name="legal_matters", blank=True
    )
    # Optional limits on the patients' images in scope (captured between these dates).
    scope_from = models.DateField(null=True, blank=True)
    scope_to = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "records_legalmatter"
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reference=""), name="matter_reference_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(scope_from__isnull=True)
                | Q(scope_to__isnull=True)
                | Q(scope_to__gte=F("scope_from")),
                name="matter_scope_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class LegalHold(models.Model):
    """While active, nothing in its scope may be disposed of, whatever its retain-until."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(
        LegalMatter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holds",
    )
    reason = models.TextField()
    patients = models.ManyToManyField(Patient, related_name="legal_holds", blank=True)
    images = models.ManyToManyField(
        ClinicalImage, related_name="legal_holds", blank=True
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        db_table = "records_legalhold"
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="hold_reason_not_empty"
            ),
            # A release always says who, when and why; an active hold has none of these.
            models.CheckConstraint(
                condition=(
                    Q(released_at__isnull=True)
                    & Q(released_by__isnull=True)
                    & Q(release_reason="")
                )
                | (
                    Q(released_at__isnull=False)
                    & Q(released_by__isnull=False)
                    & ~Q(release_reason="")
                ),
                name="hold_release_complete",
            ),
        ]
        indexes = [models.Index(fields=["released_at"])]

    def __str__(self) -> str:
        return f"Hold {self.public_id} ({self.matter or 'no matter'})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class ExportNumbering(models.TextChoices):
    COURT = "court", "Australian court form (PARTY.BOX.FOLDER.PAGE)"
    BATES = "bates", "US Bates numbers (ABC000001)"


class ExportBundle(models.Model):
    """A verifiable BagIt bundle of a legal matter's images, built by a Celery task.

    The bundle is encrypted at rest with its own data key, wrapped by the master key and
    kept on this row: clearing wrapped_key when the bundle expires shreds every copy.
    """

    Status = ExportStatus
    Numbering = ExportNumbering

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(
        LegalMatter, on_delete=models.PROTECT, related_name="export_bundles"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    numbering = models.CharField(
        max_length=5, choices=Numbering.choices, default=Numbering.COURT
    )
    document_prefix = models.CharField(max_length=10)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    images_total = models.PositiveIntegerField(default=0)
    images_done = models.PositiveIntegerField(default=0)
    # Each build attempt claims the row with a fresh token; only the holder may finish it.
    build_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    storage_name = models.CharField(max_length=300, blank=True)
    wrapped_key = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    audit_head_hash = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "imaging_exportbundle"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="export_progress_percent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values),
                name="export_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(numbering__in=ExportNumbering.values),
                name="export_numbering_valid",
            ),
            # A ready bundle always has its object, its hash and its expiry.
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (
                    ~Q(storage_name="")
                    & Q(sha256__regex=SHA256_REGEX)
                    & Q(expires_at__isnull=False)
                ),
                name="export_ready_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Export {self.public_id} of {self.matter_id}"


# Models of the clinical-safety features live in their own module.
