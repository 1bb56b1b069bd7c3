"""A matter's scope: its patients' images (within its dates) and its chosen images."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from accounts.roles import Role, has_role
from imaging.models import ClinicalImage
from legal.models import LegalMatter


def scope_q(matter: LegalMatter) -> Q:
    """A Q on ClinicalImage matching every image in the matter's scope, disposed or not."""
    by_patient = Q(patient__in=matter.patients.all())
    if matter.scope_from:
        by_patient &= Q(captured_at__date__gte=matter.scope_from)
    if matter.scope_to:
        by_patient &= Q(captured_at__date__lte=matter.scope_to)
    return by_patient | Q(pk__in=matter.images.values("pk"))


def images_in_scope(matter: LegalMatter) -> QuerySet[ClinicalImage]:
    """The matter's images in bundle order: by patient, then as captured."""
    return (
        ClinicalImage.objects.filter(scope_q(matter))
        .select_related(
            "patient__facility", "captured_by", "uploaded_by", "consent_recorded_by"
        )
        .order_by("patient__mrn", "patient_id", "captured_at", "id")
        .distinct()
    )


def open_matters_of(user: User | AnonymousUser) -> QuerySet[LegalMatter]:
    """The open matters a legal officer is working on (the ones they opened)."""
    if not has_role(user, Role.LEGAL):
        return LegalMatter.objects.none()
    return LegalMatter.objects.filter(opened_by_id=user.pk, closed_at__isnull=True)


def legal_scope_q(user: User | AnonymousUser) -> Q:
    """A Q on ClinicalImage: images in the scope of the user's open matters."""
    rule = Q(pk__in=[])
    for matter in open_matters_of(user).prefetch_related("patients"):
        rule |= scope_q(matter)
    return rule
