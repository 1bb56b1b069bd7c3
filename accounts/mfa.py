"""Multi-factor sign-in: who needs it, enrolling an authenticator app, checking codes."""

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from accounts.models import SealedTOTPDevice
from accounts.roles import PRIVILEGED_ROLES, has_role
from audit.services import Action, record_event


def mfa_required_for(user: User | AnonymousUser) -> bool:
    """True if this user must present a second factor (privileged roles, or enrolled)."""
    if not settings.CUSTODIAN_MFA_REQUIRED or not isinstance(user, User):
        return False
    if user.is_superuser or any(has_role(user, role) for role in PRIVILEGED_ROLES):
        return True
    # Optional for ward staff, but once enrolled it is required for them too.
    return has_confirmed_device(user)


def has_confirmed_device(user: User) -> bool:
    """True if the user has finished enrolling an authenticator app."""
    return bool(SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_device(user: User) -> SealedTOTPDevice:
    """The device being enrolled, made on first visit so the QR code stays the same."""
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or SealedTOTPDevice.new_for(user)


def qr_code_data_uri(device: SealedTOTPDevice) -> str:
    """The enrolment QR code as an inline SVG image: no external service sees the secret."""
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    encoded = base64.b64encode(svg.to_string()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def manual_secret(device: SealedTOTPDevice) -> str:
    """The secret in base32, for typing into an app that cannot scan."""
    return base64.b32encode(device.bin_key).decode()


def _clean(code: str) -> str:
    return "".join(code.split())


@transaction.atomic
def confirm_enrolment(
    *, user: User, device: SealedTOTPDevice, code: str, request: Any = None
) -> bool:
    """Confirm a pending device with its first code; False if the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(_clean(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per person: older ones stop working once a new one is confirmed.
    SealedTOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record_event(actor=user, action=Action.MFA_ENROLLED, request=request, target=None)
    return True


def verify_code(user: User, code: str) -> SealedTOTPDevice | None:
    """The user's confirmed device that accepts this code, or None."""
    for device in SealedTOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(_clean(code)):
            found: SealedTOTPDevice = device
            return found
    return None
