"""Reads of clinical images, always limited to what the user may see."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from imaging.models import ClinicalImage, Derivative
from records.selectors import patients_visible_to

AnyUser = User | AnonymousUser


def images_visible_to(user: AnyUser) -> QuerySet[ClinicalImage]:
    """Active images of the patients whose record the user may open."""
    rule = Q(patient__in=patients_visible_to(user)) | _legal_matter_scope(user)
    return ClinicalImage.objects.active().filter(rule)


# --- Legal officers (issue 8) -----------------------------------------------------------
# Legal officers open no clinical records of their own; they see exactly the images in the
# scope of the open matters they are working on. Kept apart from the access rule in
# records/selectors.py, which governs whole patients.
def _legal_matter_scope(user: AnyUser) -> Q:
    from imaging.legal.scope import legal_scope_q

    return legal_scope_q(user)


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
