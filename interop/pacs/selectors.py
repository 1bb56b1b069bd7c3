"""Reads of PACS sends, limited to what the user may see (the images' access rule)."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from interop.models.pacs import PacsSend
from interop.pacs.exceptions import PacsSendNotFound

AnyUser = User | AnonymousUser


def image_for(user: AnyUser, public_id: UUID) -> ClinicalImage:
    """The image if the user may see it; PacsSendNotFound (404) otherwise."""
    image = (
        images_visible_to(user)
        .select_related("patient__facility")
        .filter(public_id=public_id)
        .first()
    )
    if image is None:
        raise PacsSendNotFound("No such image.")
    return image


def sends_visible_to(user: AnyUser) -> QuerySet[PacsSend]:
    """Sends of the images the user may see."""
    return PacsSend.objects.filter(image__in=images_visible_to(user)).select_related(
        "image", "destination"
    )


def pacs_send_for(user: AnyUser, public_id: UUID) -> PacsSend | None:
    return sends_visible_to(user).filter(public_id=public_id).first()


def sends_of(image: ClinicalImage) -> QuerySet[PacsSend]:
    """An image's sends, for its page (the caller has resolved the image already)."""
    return image.pacs_sends.select_related("destination").order_by("destination__name")
