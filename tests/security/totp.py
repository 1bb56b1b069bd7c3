"""Computing the code an authenticator app would show, from the enrolled device."""

from django_otp.oath import TOTP

from accounts.models import SealedTOTPDevice


def current_code(device: SealedTOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
