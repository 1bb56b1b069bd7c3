"""Models of the feed part of interop (see interop/feed/): sources and the journal."""

import uuid

from django.db import models
from django.db.models import Q

from records.models import Facility

__all__ = ["FeedMessage", "FeedSource"]


class FeedSource(models.Model):
    """A sending application at a facility (MSH-3 + MSH-4) and how to read its PID-3.

    The defaults are DESIGN §9's; a message whose MSH-4 matches a Facility's code needs no
    source row at all. One is needed only where the PAS says things differently.
    """

    sending_application = models.CharField(
        max_length=40, blank=True, help_text="MSH-3 (HD.1); blank matches any."
    )
    sending_facility = models.CharField(max_length=40, help_text="MSH-4 (HD.1).")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="feed_sources"
    )
    mrn_authority = models.CharField(
        max_length=40,
        blank=True,
        help_text="PID-3 CX.4 of the MRN (type MR); blank means the facility's code.",
    )
    ihi_authority = models.CharField(
        max_length=40,
        default="AUSHIC",
        help_text="PID-3 CX.4 of the IHI (type NI).",
    )
    death_dispositions = models.CharField(
        max_length=100,
        default="8,20,DIE,DEC",
        help_text="PV1-36 discharge dispositions that mean the patient died, by commas.",
    )
    is_active = models.BooleanField(
        default=True, help_text="An inactive source's messages are refused (AR)."
    )

    class Meta:
        ordering = ["sending_facility", "sending_application"]
        constraints = [
            models.UniqueConstraint(
                fields=["sending_application", "sending_facility"],
                name="feed_source_unique",
            ),
            models.CheckConstraint(
                condition=~Q(sending_facility=""), name="feed_source_facility_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sending_application or '*'}@{self.sending_facility}"

    @property
    def death_codes(self) -> frozenset[str]:
        return frozenset(
            c.strip() for c in self.death_dispositions.split(",") if c.strip()
        )

    @property
    def mrn_system(self) -> str:
        return self.mrn_authority or self.facility.code


class FeedOutcome(models.TextChoices):
    ACCEPTED = "AA", "Applied (AA)"
    ERROR = "AE", "Error (AE)"
    REJECTED = "AR", "Rejected (AR)"
    PARKED = "parked", "Parked (AE): waits for the mapping, then a retry"


class FeedMessage(models.Model):
    """One received message, its outcome and the ACK sent: the feed's journal.

    Holds personal information: only records managers and administrators read it.
    The unique MSH-4 + MSH-10 is what makes a repeated message change nothing: two
    copies arriving at once race for this row, and the loser answers the winner's ACK.
    """

    Outcome = FeedOutcome

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    raw = models.TextField()
    source = models.ForeignKey(
        FeedSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sending_facility = models.CharField(max_length=40, blank=True)
    control_id = models.CharField(max_length=60, blank=True)
    event = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=6, choices=FeedOutcome.choices)
    ack = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # Messages without a control id (unreadable ones) are journaled but not keyed.
            models.UniqueConstraint(
                fields=["sending_facility", "control_id"],
                condition=~Q(control_id=""),
                name="feed_message_control_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=FeedOutcome.values),
                name="feed_message_outcome_valid",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sending_facility} {self.control_id} {self.event} {self.outcome}"
