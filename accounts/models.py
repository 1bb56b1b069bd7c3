"""TOTP devices whose shared secret is sealed with the master key.

django-otp's TOTPDevice keeps its secret as clear hex in the database, so a stolen backup
would let anyone mint codes. This device keeps the same behaviour (verification, drift,
replay and throttling come from django-otp) but stores the secret wrapped with AES-GCM
under CUSTODIAN_MASTER_KEY, bound to the device's own id; rotate_keys re-wraps it.
"""

import secrets
import uuid
from typing import Any

from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AbstractAuthToken

from vault import crypto

SECRET_BYTES = 20
DEVICE_NAME_LENGTH = 120


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """An authenticator app enrolled by a user, its secret encrypted at rest."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sealed_key = models.BinaryField()
    master_key_id = models.CharField(max_length=16, db_index=True)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    # The algorithm is django-otp's own, reading the secret through bin_key below.
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):  # type: ignore[misc]
        verbose_name = "authenticator app"
        # Moved from the former config.security app without a schema change.
        db_table = "security_sealedtotpdevice"

    @property
    def context(self) -> str:
        return f"totp:{self.public_id}"

    @property
    def bin_key(self) -> bytes:
        return crypto.unwrap_key(bytes(self.sealed_key), context=self.context)

    def seal(self, secret: bytes, *, master: str | None = None) -> None:
        """Store a secret wrapped under the given (default: current) master key."""
        self.sealed_key = crypto.wrap_key(secret, context=self.context, master=master)
        self.master_key_id = crypto.master_key_id(master)

    @classmethod
    def new_for(
        cls, user: Any, *, name: str = "Authenticator app"
    ) -> "SealedTOTPDevice":
        device = cls(user=user, name=name, confirmed=False)
        device.seal(secrets.token_bytes(SECRET_BYTES))
        device.save()
        return device


class ProviderIdentity(models.Model):
    """The hospital identity provider's account behind a user made at first sign-in.

    Users are found by (issuer, subject), the provider's stable identifier, never by a
    username or e-mail address that a local account could share.
    """

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="provider_identity"
    )
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    # Set when the provider refused a session check: the account comes back by itself
    # only if that is why it was disabled (an administrator's disabling stays).
    is_disabled_by_provider = models.BooleanField(default=False)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "identity provider account"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="provider_identity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class ApiToken(AbstractAuthToken):  # type: ignore[misc]
    """An API token for one device: knox keeps only its hash (digest) and first characters.

    The key itself is shown once, when issued (accounts.api_tokens.issue_api_token).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    device = models.CharField(max_length=DEVICE_NAME_LENGTH, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} on {self.device or 'an unnamed device'}"
