"""Models of the pacs part of interop (see interop/pacs/): destinations, sends, withdrawals."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from imaging.models import ClinicalImage
from records.models import Facility

__all__ = ["PacsDestination", "PacsSend", "PacsWithdrawal"]

# PS3.5 6.2: an AE title is 1 to 16 characters of the default repertoire, no backslash.
AE_TITLE = RegexValidator(
    r"^[\x20-\x5b\x5d-\x7e]{1,16}$", "An AE title is 1 to 16 plain characters."
)
DEFAULT_CALLING_AE = "CUSTODIAN"


class PacsDestination(models.Model):
    """A PACS (C-STORE SCP) a facility's images go to."""

    name = models.SlugField(max_length=50, unique=True)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="pacs_destinations"
    )
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    called_ae = models.CharField(
        "called AE title", max_length=16, validators=[AE_TITLE]
    )
    calling_ae = models.CharField(
        "calling AE title",
        max_length=16,
        default=DEFAULT_CALLING_AE,
        validators=[AE_TITLE],
        help_text="Custodian's own AE title, as the PACS knows it.",
    )
    auto = models.BooleanField(
        default=False, help_text="Send every new image of the facility automatically."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(port__gte=1) & Q(port__lte=65535),
                name="pacs_destination_port_valid",
            ),
            models.CheckConstraint(
                condition=~Q(called_ae="") & ~Q(calling_ae="") & ~Q(host=""),
                name="pacs_destination_address_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.called_ae}@{self.host}:{self.port})"


class PacsSendStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class PacsSend(models.Model):
    """One image at one destination: one row for ever; a resend updates it."""

    Status = PacsSendStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.ForeignKey(
        ClinicalImage, on_delete=models.PROTECT, related_name="pacs_sends"
    )
    destination = models.ForeignKey(
        PacsDestination, on_delete=models.PROTECT, related_name="sends"
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for automatic sends and backfills.",
    )
    queued_at = models.DateTimeField()
    # When the current attempt began: a send left 'sending' by a dead worker is reclaimed.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the PACS holds since the last successful send (a move or disposal names it).
    sop_instance_uid = models.CharField("SOP Instance UID", max_length=64, blank=True)
    study_instance_uid = models.CharField(max_length=64, blank=True)
    series_instance_uid = models.CharField(max_length=64, blank=True)
    sent_patient_id = models.CharField("PatientID sent", max_length=64, blank=True)
    sent_issuer = models.CharField("IssuerOfPatientID sent", max_length=64, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "destination"], name="pacs_send_once_per_destination"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PacsSendStatus.values),
                name="pacs_send_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=PacsSendStatus.SENT) | ~Q(sop_instance_uid=""),
                name="pacs_send_sent_has_uid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image.public_id} to {self.destination.name}: {self.status}"


class WithdrawalReason(models.TextChoices):
    MOVED = "moved", "Image moved to another patient"
    DISPOSED = "disposed", "Image disposed of under the retention schedule"


class PacsWithdrawal(models.Model):
    """An instance the PACS holds that must go: the PACS administrator removes it."""

    Reason = WithdrawalReason

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    send = models.ForeignKey(
        PacsSend, on_delete=models.PROTECT, related_name="withdrawals"
    )
    reason = models.CharField(max_length=8, choices=Reason.choices)
    noted_at = models.DateTimeField()
    patient_id = models.CharField("PatientID", max_length=64)
    issuer = models.CharField("IssuerOfPatientID", max_length=64)
    study_instance_uid = models.CharField(max_length=64)
    series_instance_uid = models.CharField(max_length=64)
    sop_instance_uid = models.CharField("SOP Instance UID", max_length=64)

    class Meta:
        ordering = ["-noted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=WithdrawalReason.values),
                name="pacs_withdrawal_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sop_instance_uid} ({self.reason})"
