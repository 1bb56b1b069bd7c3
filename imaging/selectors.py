"""Reads of clinical images, always limited to what the user may see."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from imaging.hooks import extra_visibility
from imaging.models import ClinicalImage, Derivative
from records.selectors import patients_visible_to

AnyUser = User | AnonymousUser


def images_visible_to(user: AnyUser) -> QuerySet[ClinicalImage]:
    """Active images of the patients whose record the user may open."""
    rule = Q(patient__in=patients_visible_to(user)) | extra_visibility(user)
    return ClinicalImage.objects.active().filter(rule)


def image_for(user: AnyUser, public_id: UUID | str) -> ClinicalImage:
    """The image if the user may see it; 404 otherwise (never confirm it exists)."""
    try:
        return (
            images_visible_to(user)
            .select_related("patient__facility")
            .get(public_id=public_id)
        )
    except (ClinicalImage.DoesNotExist, ValueError) as exc:
        raise Http404("No such image.") from exc


def derivative_of(image: ClinicalImage, kind: str) -> Derivative | None:
    """The image's thumbnail or preview, if it has been made yet."""
    return image.derivatives.filter(kind=kind).first()
