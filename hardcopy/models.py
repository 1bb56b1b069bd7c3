"""Hard copies: print-ready PDFs of clinical images for the paper record.

A hard copy belongs to one patient and lands in one ward's print queue. Its PDF is split
into files of at most CUSTODIAN_HARD_COPY_PAGES_PER_FILE pages, so that rendering hundreds
of images never holds more than one file's pages in memory.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from imaging.models import SHA256_REGEX, ClinicalImage
from records.models import Patient, Ward


class HardCopyStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready to print"
    PRINTED = "printed", "Printed"
    FILED = "filed", "Filed in the paper record"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn before printing"


class HardCopyLayout(models.TextChoices):
    SINGLE = "single", "One image per page"
    CONTACT_SHEET = "contact_sheet", "Contact sheet (up to 6 per page)"


class HardCopyOrigin(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic (paper record)"
    REQUESTED = "requested", "Requested"


# Statuses whose copy has not yet reached the paper record.
PENDING = (
    HardCopyStatus.QUEUED,
    HardCopyStatus.RENDERING,
    HardCopyStatus.READY,
    HardCopyStatus.FAILED,
)
# Statuses waiting on someone at the ward (and so able to become overdue).
AWAITING_FILING = (HardCopyStatus.READY, HardCopyStatus.PRINTED)


class HardCopy(models.Model):
    Status = HardCopyStatus
    Layout = HardCopyLayout
    Origin = HardCopyOrigin

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="hard_copies"
    )
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hard_copies",
        help_text="The print queue it waits in; blank when the patient has no ward.",
    )
    images = models.ManyToManyField(
        ClinicalImage, through="HardCopyItem", related_name="hard_copies"
    )
    # Set only on the copy queued automatically for a paper record: one per image, ever.
    automatic_for = models.OneToOneField(
        ClinicalImage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="automatic_hard_copy",
    )
    origin = models.CharField(max_length=10, choices=Origin.choices)
    layout = models.CharField(
        max_length=14, choices=Layout.choices, default=Layout.SINGLE
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Multi-image copies have a data key of their own (in DataKey, under this public id).
    has_own_key = models.BooleanField(default=False)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hard_copies_requested",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    images_total = models.PositiveIntegerField(default=0)
    images_done = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    print_count = models.PositiveIntegerField(default=0)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A printed copy showing an image since moved to another patient (wrong-patient
    # correction): someone must take it out of this patient's paper record.
    retrieval_requested_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    retrieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "imaging_hardcopy"
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=HardCopyStatus.values),
                name="hardcopy_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(layout__in=HardCopyLayout.values),
                name="hardcopy_layout_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=HardCopyOrigin.values),
                name="hardcopy_origin_valid",
            ),
            # An automatic copy has no requester; a requested copy always has one.
            models.CheckConstraint(
                condition=(Q(origin="automatic") & Q(automatic_for__isnull=False))
                | (Q(origin="requested") & Q(requested_by__isnull=False)),
                name="hardcopy_origin_consistent",
            ),
            # Filing is only ever confirmed by a named person, after printing.
            models.CheckConstraint(
                condition=~Q(status="filed")
                | (
                    Q(filed_by__isnull=False)
                    & Q(filed_at__isnull=False)
                    & Q(printed_at__isnull=False)
                ),
                name="hardcopy_filed_complete",
            ),
            # Retrieval is confirmed by a named person, and only of a copy asked back.
            models.CheckConstraint(
                condition=Q(retrieved_at__isnull=True)
                | (
                    Q(retrieved_by__isnull=False)
                    & Q(retrieval_requested_at__isnull=False)
                    & Q(printed_at__isnull=False)
                ),
                name="hardcopy_retrieval_complete",
            ),
            models.CheckConstraint(
                condition=Q(images_done__lte=models.F("images_total")),
                name="hardcopy_progress_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "status"], name="hardcopy_ward_status"),
            models.Index(fields=["status", "requested_at"], name="hardcopy_status_age"),
        ]

    def __str__(self) -> str:
        return f"Hard copy {self.public_id} ({self.status})"

    @property
    def progress(self) -> int:
        """Percentage of images rendered (0-100)."""
        if self.status in (HardCopyStatus.QUEUED, HardCopyStatus.FAILED):
            return 0
        if not self.images_total or self.status != HardCopyStatus.RENDERING:
            return 100
        return int(100 * self.images_done / self.images_total)

    @property
    def is_overdue(self) -> bool:
        """Not filed within CUSTODIAN_HARD_COPY_OVERDUE_DAYS of being queued."""
        return self.status in AWAITING_FILING and self.requested_at < overdue_cutoff()


def overdue_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.CUSTODIAN_HARD_COPY_OVERDUE_DAYS)


class HardCopyItem(models.Model):
    """One image in a hard copy, in print order."""

    hard_copy = models.ForeignKey(
        HardCopy, on_delete=models.CASCADE, related_name="items"
    )
    image = models.ForeignKey(
        ClinicalImage, on_delete=models.PROTECT, related_name="hard_copy_items"
    )
    position = models.PositiveIntegerField()

    class Meta:
        db_table = "imaging_hardcopyitem"
        ordering = ["hard_copy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["hard_copy", "image"], name="hardcopy_item_unique"
            ),
            models.UniqueConstraint(
                fields=["hard_copy", "position"], name="hardcopy_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image.public_id} in {self.hard_copy.public_id}"


class HardCopyFile(models.Model):
    """One stored, encrypted PDF of a hard copy: pages first_page to last_page."""

    hard_copy = models.ForeignKey(
        HardCopy, on_delete=models.CASCADE, related_name="files"
    )
    number = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    first_page = models.PositiveIntegerField()
    last_page = models.PositiveIntegerField()
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "imaging_hardcopyfile"
        ordering = ["hard_copy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hard_copy", "number"], name="hardcopy_file_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_REGEX), name="hardcopy_file_sha256_hex"
            ),
            models.CheckConstraint(
                condition=Q(last_page__gte=models.F("first_page")),
                name="hardcopy_file_pages_ordered",
            ),
            # A file is either in storage or recorded as destroyed, never both.
            models.CheckConstraint(
                condition=(~Q(storage_name="") & Q(destroyed_at__isnull=True))
                | (Q(storage_name="") & Q(destroyed_at__isnull=False)),
                name="hardcopy_file_stored_or_destroyed",
            ),
        ]

    def __str__(self) -> str:
        return f"file {self.number} of {self.hard_copy.public_id}"
