"""Models for clinical safety: phone hand-off links and wrong-patient corrections."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from records.models import Patient

if TYPE_CHECKING:
    from imaging.models.images import ClinicalImage  # noqa: F401


class CaptureHandoff(models.Model):
    """A short-lived link that opens /capture/ on a phone, bound to one user and patient.

    Only the token's SHA-256 is stored: the link itself lives in the QR code on screen.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_sha256 = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handoffs"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="handoffs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"hand-off {self.public_id}"


class MoveRequest(models.Model):
    """An image found on the wrong patient, to be moved once a second person agrees."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Moved"
        REJECTED = "rejected", "Rejected"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.ForeignKey(
        "imaging.ClinicalImage", on_delete=models.PROTECT, related_name="move_requests"
    )
    from_patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="+"
    )
    to_patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="move_reason_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(from_patient=F("to_patient")),
                name="move_to_another_patient",
            ),
            # The second person rule, held by the database as well as the service.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="move_decided_by_second_person",
            ),
            models.UniqueConstraint(
                fields=["image"],
                condition=Q(status="pending"),
                name="move_one_pending_per_image",
            ),
        ]

    def __str__(self) -> str:
        return f"move {self.image_id} {self.from_patient_id}->{self.to_patient_id}"
