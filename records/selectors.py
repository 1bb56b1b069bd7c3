"""Who may see which patients: the access rule, in one place.

Every view, API endpoint, export and print asks these selectors; nothing else decides.
- Ward staff see patients with an encounter on one of their wards that is open or ended
  within CUSTODIAN_WARD_ACCESS_DAYS.
- Records managers and privacy officers see every patient of their assigned facilities.
- Legal officers may search demographics of their facilities' patients (to open a matter).
- Administrators see no clinical data unless they also hold a clinical role.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from records.models import Encounter, FacilityAssignment, Patient, StaffMembership, Ward
from records.roles import Role, has_role

AnyUser = User | AnonymousUser


def _user_id(user: AnyUser) -> int:
    """The user's id, or 0 (no row) for an anonymous user."""
    return user.pk if isinstance(user, User) else 0


def _ward_patient_ids(user: AnyUser) -> QuerySet[Encounter, int]:
    cutoff = timezone.now() - timedelta(days=settings.CUSTODIAN_WARD_ACCESS_DAYS)
    wards = StaffMembership.objects.filter(user_id=_user_id(user)).values("ward_id")
    return (
        Encounter.objects.filter(ward_id__in=wards)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff))
        .values_list("patient_id", flat=True)
    )


def _assigned_facility_ids(user: AnyUser) -> QuerySet[FacilityAssignment, int]:
    return FacilityAssignment.objects.filter(user_id=_user_id(user)).values_list(
        "facility_id", flat=True
    )


def patients_visible_to(user: AnyUser) -> QuerySet[Patient]:
    """Patients whose clinical record (and images) the user may open."""
    rule = Q(pk__in=[])
    if has_role(user, Role.WARD_STAFF):
        rule |= Q(pk__in=_ward_patient_ids(user))
    if has_role(user, Role.RECORDS_MANAGER) or has_role(user, Role.PRIVACY_OFFICER):
        rule |= Q(facility_id__in=_assigned_facility_ids(user))
    return Patient.objects.filter(rule).select_related("facility")


def patients_searchable_by(user: AnyUser) -> QuerySet[Patient]:
    """Patients whose demographics the user may search (a wider set for legal officers)."""
    if has_role(user, Role.LEGAL):
        rule = Q(facility_id__in=_assigned_facility_ids(user))
        return (Patient.objects.filter(rule) | patients_visible_to(user)).distinct()
    return patients_visible_to(user)


def can_view_patient(user: AnyUser, patient: Patient) -> bool:
    """True if the user may open this patient's clinical record."""
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def wards_of(user: AnyUser) -> QuerySet[Ward]:
    """The wards the user works on."""
    return Ward.objects.filter(memberships__user_id=_user_id(user)).select_related(
        "facility"
    )


def current_patients_of_ward(ward: Ward) -> QuerySet[Patient]:
    """Patients with an open encounter on the ward."""
    return Patient.objects.filter(
        encounters__ward=ward, encounters__ended_at__isnull=True
    ).distinct()
