"""Reads of matters, holds and bundles, limited to what the user may see."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.permissions import may_manage_legal_holds
from accounts.roles import Role, has_role
from legal.models import ExportBundle, LegalHold, LegalMatter
from legal.scope import open_matters_of
from records.models import Patient
from records.selectors import patients_searchable_by, patients_visible_to

AnyUser = User | AnonymousUser


def matter_for(user: AnyUser, public_id: UUID | str) -> LegalMatter:
    """One of the user's open matters; 404 otherwise."""
    try:
        return open_matters_of(user).get(public_id=public_id)
    except (LegalMatter.DoesNotExist, ValueError) as exc:
        raise Http404("No such matter.") from exc


def scope_patients(matter: LegalMatter) -> QuerySet[Patient]:
    """Everyone whose images the matter covers."""
    return Patient.objects.filter(
        Q(legal_matters=matter) | Q(images__legal_matters=matter)
    ).distinct()


def exports_visible_to(user: AnyUser) -> QuerySet[ExportBundle]:
    """Bundles the user requested, and, for records managers, those of their patients."""
    mine = Q(requested_by_id=user.pk or 0)
    if has_role(user, Role.RECORDS_MANAGER):
        outside = Patient.objects.exclude(pk__in=patients_visible_to(user))
        managed = ~Q(matter__patients__in=outside) & ~Q(
            matter__images__patient__in=outside
        )
        mine |= managed
    return (
        ExportBundle.objects.filter(mine)
        .select_related("matter", "requested_by")
        .distinct()
    )


def export_for(user: AnyUser, public_id: UUID | str) -> ExportBundle:
    try:
        return exports_visible_to(user).get(public_id=public_id)
    except (ExportBundle.DoesNotExist, ValueError) as exc:
        raise Http404("No such export.") from exc


def holds_visible_to(user: AnyUser) -> QuerySet[LegalHold]:
    """Holds touching patients the user may search, for those who manage holds."""
    if not may_manage_legal_holds(user):
        return LegalHold.objects.none()
    patients = patients_searchable_by(user)
    return (
        LegalHold.objects.filter(
            Q(patients__in=patients) | Q(images__patient__in=patients)
        )
        .select_related("matter", "placed_by", "released_by")
        .distinct()
    )


def hold_for(user: AnyUser, public_id: UUID | str) -> LegalHold:
    try:
        return holds_visible_to(user).get(public_id=public_id)
    except (LegalHold.DoesNotExist, ValueError) as exc:
        raise Http404("No such hold.") from exc
