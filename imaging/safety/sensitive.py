"""Sensitive images: blurred for everyone until revealed, with a reason, for the session."""

import io

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from PIL import Image, ImageFilter

from audit.services import Action, record_event
from imaging.exceptions import InvalidField, PatientNotFound
from imaging.models import ClinicalImage
from records.selectors import can_view_patient

SESSION_KEY = "revealed_images"


@transaction.atomic
def mark_sensitive(
    *,
    actor: User,
    image: ClinicalImage,
    sensitivity: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ClinicalImage:
    """Set (or clear, with an empty value) an image's sensitivity, audited."""
    if not can_view_patient(actor, image.patient):
        raise PatientNotFound("No such image.")
    if sensitivity and sensitivity not in ClinicalImage.Sensitivity.values:
        raise InvalidField("Unknown sensitivity.", field="sensitivity")
    if image.is_sensitive and not sensitivity:
        _check_may_clear(image=image, reason=reason, request=request)
    before = image.sensitivity
    image.sensitivity = sensitivity
    image.save(update_fields=["sensitivity"])
    record_event(
        actor=actor,
        action=Action.EDIT,
        target=image,
        patient=image.patient,
        request=request,
        reason=reason.strip(),
        detail={"field": "sensitivity", "from": before, "to": sensitivity},
    )
    return image


def _check_may_clear(
    *, image: ClinicalImage, reason: str, request: HttpRequest | None
) -> None:
    # Clearing unblurs the image for everyone, so it must not be a way round revealing
    # with a reason: the user has to have seen it (revealed, this session) and say why.
    if request is None or not is_revealed(request, image):
        raise InvalidField(
            "Reveal the image first: you need to see it to judge it is not sensitive.",
            field="sensitivity",
        )
    if not reason.strip():
        raise InvalidField(
            "Say why the image is not sensitive: it will be shown unblurred to everyone.",
            field="reason",
        )


@transaction.atomic
def reveal_sensitive(
    *, actor: User, image: ClinicalImage, reason: str, request: HttpRequest
) -> None:
    """Record why the user needs to see a sensitive image, and reveal it for the session."""
    if not can_view_patient(actor, image.patient):
        raise PatientNotFound("No such image.")
    if not reason.strip():
        raise InvalidField("Say why you need to see this image.", field="reason")
    record_event(
        actor=actor,
        action=Action.REVEAL_SENSITIVE,
        target=image,
        patient=image.patient,
        request=request,
        reason=reason.strip(),
    )
    revealed = set(request.session.get(SESSION_KEY, []))
    revealed.add(str(image.public_id))
    request.session[SESSION_KEY] = sorted(revealed)


def is_revealed(request: HttpRequest, image: ClinicalImage) -> bool:
    return str(image.public_id) in request.session.get(SESSION_KEY, [])


def for_display(request: HttpRequest, image: ClinicalImage, jpeg: bytes) -> bytes:
    """A derivative as this user may see it now: blurred if sensitive and not revealed."""
    if image.is_sensitive and not is_revealed(request, image):
        return blurred(jpeg)
    return jpeg


def blurred(jpeg: bytes) -> bytes:
    """A heavily blurred copy of a derivative: shape and colour only, no detail."""
    with Image.open(io.BytesIO(jpeg)) as im:
        small = im.convert("RGB").resize(
            (max(1, im.width // 16), max(1, im.height // 16))
        )
        soft = small.resize(im.size).filter(ImageFilter.GaussianBlur(radius=12))
    out = io.BytesIO()
    soft.save(out, format="JPEG", quality=70)
    return out.getvalue()
