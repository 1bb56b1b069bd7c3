"""The append-only, hash-chained audit trail.

audit imports no other app: patients and objects are referred to by their public ids,
so any app can record events and the trail outlives what it describes.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

OBJECT_TYPE_LENGTH = 60
OBJECT_ID_LENGTH = 64
USER_AGENT_LENGTH = 300


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGN_IN_UNLOCKED = "sign_in_unlocked", "Sign-in unlocked"
    # One device's API token ended by its owner or an administrator (a login audits
    # the issue); reason says when the oldest made room for a new device.
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    UPLOAD = "upload", "Uploaded"
    VIEW = "view", "Viewed"
    VIEW_GALLERY = "view_gallery", "Viewed gallery"
    DOWNLOAD = "download", "Downloaded original"
    EDIT = "edit", "Edited"
    PRINT_REQUESTED = "print_requested", "Hard copy requested"
    PRINT = "print", "Printed"
    FILED = "filed", "Filed in paper record"
    EXPORT = "export", "Exported"
    HOLD_PLACED = "hold_placed", "Legal hold placed"
    HOLD_RELEASED = "hold_released", "Legal hold released"
    RULE_CHANGED = "rule_changed", "Retention rule changed"
    # A change that shortens retention waits for a second records manager.
    RULE_CHANGE_PROPOSED = "rule_change_proposed", "Retention rule change proposed"
    RULE_CHANGE_APPROVED = "rule_change_approved", "Retention rule change approved"
    RULE_CHANGE_REJECTED = "rule_change_rejected", "Retention rule change rejected"
    DISPOSAL_PROPOSED = "disposal_proposed", "Disposal proposed"
    DISPOSAL_APPROVED = "disposal_approved", "Disposal approved"
    DISPOSED = "disposed", "Disposed"
    # After a restore: a disposal in the exported register that the restore had undone.
    DISPOSAL_REAPPLIED = "disposal_reapplied", "Disposal re-applied after a restore"
    BREAK_GLASS = "break_glass", "Break-the-glass access"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Break-the-glass reviewed"
    SEARCH = "search", "Searched patients"
    CREATE = "create", "Created"
    KEYS_ROTATED = "keys_rotated", "Keys rotated"
    REVEAL_SENSITIVE = "reveal_sensitive", "Sensitive image revealed"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    FLAG_SET = "flag_set", "Medico-legal flag set"
    FLAG_CLEARED = "flag_cleared", "Medico-legal flag cleared"
    DISPOSAL_OBJECTED = "disposal_objected", "Objection to disposal"
    MATTER_OPENED = "matter_opened", "Legal matter opened"
    EXPORT_DOWNLOADED = "export_downloaded", "Export bundle downloaded"
    EXPORT_BUILT = "export_built", "Export bundle built"
    EXPORT_EXPIRED = "export_expired", "Export bundle deleted on expiry"
    ACCESS_REPORT = "access_report", "Access report produced"
    HANDOFF_CREATED = "handoff_created", "Phone hand-off link created"
    HANDOFF_OPENED = "handoff_opened", "Phone hand-off link opened"
    HANDOFF_REFUSED = "handoff_refused", "Phone hand-off link refused"
    MOVE_REQUESTED = "move_requested", "Move to another patient requested"
    MOVE_APPROVED = "move_approved", "Move to another patient approved"
    MOVE_DECLINED = "move_declined", "Move to another patient declined"
    HARD_COPY_RENDERED = "hard_copy_rendered", "Hard copy rendered"
    HARD_COPY_DOWNLOADED = "hard_copy_downloaded", "Hard copy downloaded"
    HARD_COPY_WITHDRAWN = "hard_copy_withdrawn", "Hard copy withdrawn"
    HARD_COPY_RETRIEVAL = (
        "hard_copy_retrieval",
        "Printed hard copy to be taken out of the paper record",
    )
    HARD_COPY_RETRIEVED = (
        "hard_copy_retrieved",
        "Printed hard copy taken out of the paper record",
    )
    DISPOSAL_ITEMS_REMOVED = "disposal_items_removed", "Removed from a disposal batch"
    DISPOSAL_STARTED = "disposal_started", "Disposal batch carried out"
    MFA_ENROLLED = "mfa_enrolled", "Authenticator app enrolled"
    MFA_FAILED = "mfa_failed", "One-time code refused"
    ACCOUNT_DISABLED = "account_disabled", "Account disabled"
    REAUTHENTICATED = "reauthenticated", "Password confirmed again"
    TEACHING_EXPORT = "teaching_export", "Exported for teaching or publication"
    ROLES_CHANGED = "roles_changed", "Roles changed"
    # Admin site access, superuser status or permissions held outside any role.
    PRIVILEGES_CHANGED = "privileges_changed", "Administrative privileges changed"
    ACCOUNT_ACTIVATED = "account_activated", "Account activated"
    MEMBERSHIP_GRANTED = "membership_granted", "Ward membership granted"
    MEMBERSHIP_REVOKED = "membership_revoked", "Ward membership removed"
    FACILITY_ASSIGNED = "facility_assigned", "Facility assignment granted"
    FACILITY_UNASSIGNED = "facility_unassigned", "Facility assignment removed"
    PACS_SEND_REQUESTED = "pacs_send_requested", "Sending to a PACS requested"
    PACS_SENT = "pacs_sent", "Disclosed to a PACS"
    PACS_WITHDRAWAL = "pacs_withdrawal", "PACS copy to be withdrawn"
    # Sign-in with the hospital's identity provider (accounts.oidc); detail names the
    # method ("oidc"), the issuer and the subject.
    OIDC_SIGNED_IN = "oidc_signed_in", "Signed in through the identity provider"
    OIDC_REFUSED = "oidc_refused", "Identity provider sign-in refused"
    OIDC_ACCOUNT_CREATED = "oidc_account_created", "Account made at first sign-in"
    OIDC_UNKNOWN_WARD = "oidc_unknown_ward", "Unknown ward code in sign-in claims"
    OIDC_SESSION_ENDED = "oidc_session_ended", "Session ended by the identity provider"


def action_choices() -> list[tuple[str, str]]:
    """A callable, so that adding an action needs no migration (Django 5 callable choices)."""
    return AuditAction.choices


class AuditEvent(models.Model):
    Action = AuditAction

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Users are deactivated, never deleted, while they have audit history.
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=action_choices)
    object_type = models.CharField(max_length=OBJECT_TYPE_LENGTH, blank=True)
    object_id = models.CharField(max_length=OBJECT_ID_LENGTH, blank=True)
    patient_public_id = models.UUIDField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_LENGTH, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        permissions = [
            ("view_access_report", "View access reports for patients and users"),
            (
                "view_matter_audit",
                "View the audit history of a legal matter's patients",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="audit_sequence_positive"
            ),
            models.CheckConstraint(
                condition=Q(hash__regex=r"^[0-9a-f]{64}$")
                & Q(prev_hash__regex=r"^[0-9a-f]{64}$"),
                name="audit_hashes_hex",
            ),
        ]
        indexes = [
            models.Index(fields=["patient_public_id", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.actor_username or 'system'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class ChainHead(models.Model):
    """One row: the newest sequence and hash. Locking it serialises appends."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class Checkpoint(models.Model):
    """A copy of the chain head at a moment, to detect truncation of the tail later."""

    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"checkpoint #{self.sequence} {self.hash[:16]}"
