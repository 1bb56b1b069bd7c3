"""Clinical images, their data keys and their derivatives."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from records.models import Encounter, Patient, RecordClass

SHA256_REGEX = r"^[0-9a-f]{64}$"


class ImageStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISPOSED = "disposed", "Disposed"


class ImageCaptureMode(models.TextChoices):
    PERSONAL_MOBILE = "personal_mobile", "Personal mobile device"
    HOSPITAL_CAMERA = "hospital_camera", "Hospital camera"
    MEDICAL_DEVICE = "medical_device", "Medical device (e.g. dermatoscope)"
    SCANNED_PRINT = "scanned_print", "Scanned print"
    OTHER = "other", "Other"


class ImageChannel(models.TextChoices):
    WEB = "web", "Capture page"
    API = "api", "API"
    IMPORT = "import", "Bulk import"
    SEED = "seed", "Demo data"


class ImageLaterality(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"
    MIDLINE = "midline", "Midline"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ImageConsentKind(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written"
    EMERGENCY = "emergency", "Implied in an emergency"
    UNABLE = "unable", "Patient unable to consent"


class ImageContentType(models.TextChoices):
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    HEIC = "image/heic", "HEIC"
    HEIF = "image/heif", "HEIF"
    WEBP = "image/webp", "WebP"
    TIFF = "image/tiff", "TIFF"


class ImageSensitivity(models.TextChoices):
    INTIMATE = "intimate", "Intimate region"
    CHILD_PROTECTION = "child_protection", "Child protection"
    FORENSIC = "forensic", "Forensic"


class ImageDeletionRefused(Exception):
    """Images leave the record only through approved disposal (retention)."""


REFUSE_DELETE = "An active image is destroyed only by an approved disposal batch."


class ClinicalImageQuerySet(models.QuerySet["ClinicalImage"]):
    def active(self) -> "ClinicalImageQuerySet":
        return self.filter(status=ClinicalImage.Status.ACTIVE)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=ImageStatus.ACTIVE).exists():
            raise ImageDeletionRefused(REFUSE_DELETE)
        return super().delete()


class ClinicalImage(models.Model):
    Status = ImageStatus
    CaptureMode = ImageCaptureMode
    Channel = ImageChannel
    Laterality = ImageLaterality
    ConsentKind = ImageConsentKind
    ContentType = ImageContentType
    Sensitivity = ImageSensitivity

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="images"
    )
    encounter = models.ForeignKey(
        Encounter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="images",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.ACTIVE
    )

    # The original, exactly as received: encrypted in storage, addressed by its SHA-256.
    storage_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    original_filename = models.CharField(max_length=255, blank=True)

    # Provenance: who took it, when and how; who put it into the record, when and how.
    captured_at = models.DateTimeField()
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="images_captured",
    )
    captured_by_name = models.CharField(
        max_length=200, blank=True, help_text="A clinician without an account here."
    )
    capture_mode = models.CharField(max_length=20, choices=CaptureMode.choices)
    device = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="images_uploaded",
    )
    uploaded_at = models.DateTimeField()
    upload_channel = models.CharField(max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # The phone hand-off a photo came through: the desktop lists exactly these as arrivals.
    handoff = models.ForeignKey(
        "imaging.CaptureHandoff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="images",
    )

    # Clinical description.
    body_site = models.CharField(max_length=200, blank=True)
    body_site_code = models.CharField(
        "body site (SNOMED CT)",
        max_length=18,
        blank=True,
        help_text="imaging.bodysites",
    )
    laterality = models.CharField(max_length=20, choices=Laterality.choices, blank=True)
    view = models.CharField(max_length=100, blank=True)
    note = models.TextField(max_length=2000, blank=True)

    # Consent to capture and the purposes it covers.
    consent_kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    consent_for_care = models.BooleanField(default=True)
    consent_for_teaching = models.BooleanField(default=False)
    consent_for_publication = models.BooleanField(default=False)
    # Teaching or publication consent can be withdrawn; care (the record itself) cannot.
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # Sensitive images are blurred everywhere until revealed with a recorded reason.
    sensitivity = models.CharField(
        max_length=20, choices=ImageSensitivity.choices, blank=True
    )

    # Blank: the class of the encounter's ward (admitted without one); a records manager
    # sets it when the image's record differs, e.g. an abuse examination.
    record_class = models.CharField(
        max_length=13, choices=RecordClass.choices, blank=True, db_default=""
    )
    # Retention: computed from the rules; null means kept indefinitely (or not yet known).
    retain_until = models.DateField(null=True, blank=True)
    retention_basis = models.CharField(max_length=500, blank=True)
    retention_computed_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)

    objects = ClinicalImageQuerySet.as_manager()

    class Meta:
        ordering = ["-captured_at", "-id"]
        permissions = [
            ("capture_image", "Capture images into a patient's record"),
            ("download_original", "Download an image's original bytes"),
            ("request_hard_copy", "Request a printed hard copy"),
            ("export_images", "Export images for a legal matter"),
            ("import_images", "Import a facility's existing folder of images"),
            (
                "export_for_teaching",
                "Export de-identified images for teaching or publication",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_REGEX), name="image_sha256_hex"
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0), name="image_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(width__gt=0) & Q(height__gt=0),
                name="image_dimensions_positive",
            ),
            # uploaded_at is the server's clock at ingest, so this forbids a future capture.
            models.CheckConstraint(
                condition=Q(captured_at__lte=F("uploaded_at")),
                name="image_captured_not_future",
            ),
            models.CheckConstraint(
                condition=Q(captured_by__isnull=False) | ~Q(captured_by_name=""),
                name="image_has_photographer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImageStatus.values), name="image_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(capture_mode__in=ImageCaptureMode.values),
                name="image_capture_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ImageContentType.values),
                name="image_content_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(upload_channel__in=ImageChannel.values),
                name="image_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(consent_kind__in=ImageConsentKind.values),
                name="image_consent_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(laterality="") | Q(laterality__in=ImageLaterality.values),
                name="image_laterality_valid",
            ),
            # An active image always has its stored original; a disposed one has a date.
            models.CheckConstraint(
                condition=(
                    Q(status="active")
                    & ~Q(storage_name="")
                    & Q(disposed_at__isnull=True)
                )
                | (Q(status="disposed") & Q(disposed_at__isnull=False)),
                name="image_status_consistent",
            ),
            models.CheckConstraint(
                condition=Q(sensitivity="")
                | Q(sensitivity__in=ImageSensitivity.values),
                name="image_sensitivity_valid",
            ),
            models.UniqueConstraint(
                fields=["uploaded_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="image_idempotency_key_unique",
            ),
        ]
        indexes = [
            # The gallery: a patient's images newest first, keyset-paginated.
            models.Index(
                fields=["patient", "-captured_at", "-id"], name="image_patient_captured"
            ),
            # The retention sweep: active images by the date they fall due.
            models.Index(fields=["status", "retain_until"], name="image_status_retain"),
            # Duplicate detection on upload.
            models.Index(fields=["patient", "sha256"], name="image_patient_sha256"),
        ]

    def __str__(self) -> str:
        return f"Image {self.public_id} of {self.patient.mrn}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == ImageStatus.ACTIVE:
            raise ImageDeletionRefused(REFUSE_DELETE)
        return super().delete(*args, **kwargs)

    @property
    def consent_purposes(self) -> list[str]:
        flags = [
            ("care", self.consent_for_care),
            ("teaching", self.consent_for_teaching),
            ("publication", self.consent_for_publication),
        ]
        return [name for name, given in flags if given]

    @property
    def is_sensitive(self) -> bool:
        return bool(self.sensitivity)

    @property
    def photographer(self) -> str:
        if self.captured_by_id is not None:
            user = self.captured_by
            return (user.get_full_name() if user else "") or str(user)
        return self.captured_by_name

    @property
    def effective_record_class(self) -> str:
        """Its own class, else its encounter's ward's, else the ward's of the encounter
        open when it was taken, else admitted (as retention computes it in SQL)."""
        if self.record_class:
            return self.record_class
        if self.encounter_id is not None and self.encounter is not None:
            return self.encounter.ward.record_class
        during = (
            Encounter.objects.filter(
                patient_id=self.patient_id, started_at__lte=self.captured_at
            )
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=self.captured_at))
            .order_by("-started_at")
            .values_list("ward__record_class", flat=True)
            .first()
        )
        return during or RecordClass.ADMITTED.value

    def get_effective_record_class_display(self) -> str:
        return str(RecordClass(self.effective_record_class).label)


class DerivativeKind(models.TextChoices):
    THUMBNAIL = "thumbnail", "Thumbnail"
    PREVIEW = "preview", "Preview"


class Derivative(models.Model):
    """A thumbnail or preview made from the original, with all metadata stripped."""

    Kind = DerivativeKind

    image = models.ForeignKey(
        ClinicalImage, on_delete=models.CASCADE, related_name="derivatives"
    )
    kind = models.CharField(max_length=10, choices=DerivativeKind.choices)
    storage_name = models.CharField(max_length=300)
    content_type = models.CharField(max_length=20, default="image/jpeg")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "kind"], name="derivative_kind_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DerivativeKind.values),
                name="derivative_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_REGEX), name="derivative_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.image.public_id}"
