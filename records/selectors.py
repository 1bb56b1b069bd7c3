"""Who may see which patients: the access rule, in one place.

Every view, API endpoint, export and print asks these selectors; nothing else decides.
- Ward staff see patients with an encounter on one of their wards that is open or ended
  within CUSTODIAN_WARD_ACCESS_DAYS, or who were transferred off one of their wards
  within that window (a ward stay, from the ADT feed), plus patients they hold an
  unexpired break-the-glass grant for.
- Records managers and privacy officers see every patient of their assigned facilities.
- Legal officers may search demographics of their facilities' patients (to open a matter);
  the images they may see are those within their matters' scope, a clause that
  imaging.selectors.images_visible_to adds (it is about images, not whole patients).
- Administrators see no clinical data unless they also hold a clinical role.

Every clause is an `IN (subquery)` on an indexed column, never a join: a join through
encounters would repeat patients and need DISTINCT over large tables.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role, has_role
from records.models import (
    BreakGlassAccess,
    Encounter,
    FacilityAssignment,
    Patient,
    StaffMembership,
    Ward,
    WardStay,
)

AnyUser = User | AnonymousUser


def _user_id(user: AnyUser) -> int:
    """The user's id, or 0 (no row) for an anonymous user."""
    return user.pk if isinstance(user, User) else 0


def _ward_ids(user: AnyUser) -> list[int]:
    """The user's wards: a handful of ids, read once per request and cached on the user."""
    cached: list[int] | None = getattr(user, "_custodian_ward_ids", None)
    if cached is None:
        cached = list(
            StaffMembership.objects.filter(user_id=_user_id(user)).values_list(
                "ward_id", flat=True
            )
        )
        user._custodian_ward_ids = cached  # type: ignore[union-attr]
    return cached


def _ward_patient_ids(user: AnyUser) -> QuerySet[Encounter, int]:
    cutoff = timezone.now() - timedelta(days=settings.CUSTODIAN_WARD_ACCESS_DAYS)
    wards = _ward_ids(user)
    # Two ANDed branches, each a range on the (ward, ended_at) index: PostgreSQL ORs two
    # index scans instead of scanning every encounter.
    return Encounter.objects.filter(
        Q(ward_id__in=wards, ended_at__isnull=True)
        | Q(ward_id__in=wards, ended_at__gte=cutoff)
    ).values_list("patient_id", flat=True)


def _left_ward_patient_ids(user: AnyUser) -> QuerySet[WardStay, int]:
    """Patients transferred off the user's wards within the window (the ward keeps access)."""
    cutoff = timezone.now() - timedelta(days=settings.CUSTODIAN_WARD_ACCESS_DAYS)
    return WardStay.objects.filter(
        ward_id__in=_ward_ids(user), ended_at__gte=cutoff
    ).values_list("patient_id", flat=True)


def _break_glass_patient_ids(user: AnyUser) -> QuerySet[BreakGlassAccess, int]:
    return BreakGlassAccess.objects.filter(
        user_id=_user_id(user), expires_at__gt=timezone.now()
    ).values_list("patient_id", flat=True)


def _assigned_facility_ids(user: AnyUser) -> QuerySet[FacilityAssignment, int]:
    return FacilityAssignment.objects.filter(user_id=_user_id(user)).values_list(
        "facility_id", flat=True
    )


def visible_patient_rule(user: AnyUser) -> Q:
    """The access rule as a Q on Patient (empty for anyone without a clinical role)."""
    rule = Q(pk__in=[])
    if has_role(user, Role.WARD_STAFF):
        rule |= Q(pk__in=_ward_patient_ids(user))
        rule |= Q(pk__in=_left_ward_patient_ids(user))
        rule |= Q(pk__in=_break_glass_patient_ids(user))
    if has_role(user, Role.RECORDS_MANAGER) or has_role(user, Role.PRIVACY_OFFICER):
        rule |= Q(facility_id__in=_assigned_facility_ids(user))
    return rule


def patients_visible_to(user: AnyUser) -> QuerySet[Patient]:
    """Patients whose clinical record (and images) the user may open."""
    return Patient.objects.filter(visible_patient_rule(user)).select_related("facility")


def patients_searchable_by(user: AnyUser) -> QuerySet[Patient]:
    """Patients whose demographics the user may search (a wider set for legal officers)."""
    rule = visible_patient_rule(user)
    if has_role(user, Role.LEGAL):
        rule |= Q(facility_id__in=_assigned_facility_ids(user))
    return Patient.objects.filter(rule).select_related("facility")


def can_view_patient(user: AnyUser, patient: Patient) -> bool:
    """True if the user may open this patient's clinical record."""
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def patient_for(user: AnyUser, public_id: UUID | str) -> Patient:
    """The patient if the user may open their record; 404 otherwise (never confirm)."""
    try:
        return patients_visible_to(user).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404("No such patient.") from exc


def live_break_glass(user: AnyUser, patient: Patient) -> BreakGlassAccess | None:
    """The user's unexpired break-the-glass grant for the patient, if any."""
    return (
        BreakGlassAccess.objects.filter(
            user_id=_user_id(user), patient=patient, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def seen_through_break_glass(user: AnyUser, patient: Patient) -> bool:
    """True if the user sees the patient only because of a break-the-glass grant."""
    facility_wide = has_role(user, Role.RECORDS_MANAGER) or has_role(
        user, Role.PRIVACY_OFFICER
    )
    if facility_wide and patient.facility_id in set(_assigned_facility_ids(user)):
        return False
    on_ward = (
        _ward_patient_ids(user).filter(patient_id=patient.pk).exists()
        or _left_ward_patient_ids(user)
        .filter(encounter__patient_id=patient.pk)
        .exists()
    )
    return not on_ward and live_break_glass(user, patient) is not None


def break_glass_candidates(user: AnyUser) -> QuerySet[Patient]:
    """Patients a ward user may break the glass for: those of their wards' facilities."""
    if not has_role(user, Role.WARD_STAFF):
        return Patient.objects.none()
    facilities = Ward.objects.filter(pk__in=_ward_ids(user)).values("facility_id")
    return Patient.objects.filter(facility_id__in=facilities).select_related("facility")


def break_glass_queue(user: AnyUser) -> QuerySet[BreakGlassAccess]:
    """Break-the-glass accesses at the reviewer's facilities, pending ones first."""
    if not has_role(user, Role.PRIVACY_OFFICER):
        return BreakGlassAccess.objects.none()
    return (
        BreakGlassAccess.objects.filter(
            patient__facility_id__in=_assigned_facility_ids(user)
        )
        .select_related("user", "patient__facility", "reviewed_by")
        .order_by("-review_status", "-granted_at")
    )


def wards_of(user: AnyUser) -> QuerySet[Ward]:
    """The wards the user works on."""
    return Ward.objects.filter(pk__in=_ward_ids(user)).select_related("facility")


def current_encounters_on_wards_of(user: AnyUser) -> QuerySet[Encounter]:
    """Open encounters on the user's wards, by ward then patient name."""
    return (
        Encounter.objects.filter(ward_id__in=_ward_ids(user), ended_at__isnull=True)
        .select_related("patient", "ward__facility")
        .order_by("ward__name", "patient__family_name", "patient__given_names")
    )


@dataclass(frozen=True)
class WardPeriod:
    """A ward the patient was on during an encounter; ended_at None while still there."""

    ward: Ward
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class EncounterHistory:
    encounter: Encounter
    wards: list[WardPeriod]


def encounter_history(patient: Patient) -> list[EncounterHistory]:
    """The patient's encounters, newest first, each with its wards in the order stayed.

    The wards left on transfers (WardStay) come first, then the encounter's own ward
    from the last transfer (or the admission) to the discharge. The caller has resolved
    the patient through the access rule.
    """
    encounters = (
        Encounter.objects.filter(patient=patient)
        .select_related("ward")
        .prefetch_related(
            Prefetch(
                "ward_stays",
                queryset=WardStay.objects.select_related("ward").order_by("started_at"),
            )
        )
        .order_by("-started_at", "-pk")
    )
    history = []
    for encounter in encounters:
        left = [
            WardPeriod(stay.ward, stay.started_at, stay.ended_at)
            for stay in encounter.ward_stays.all()
        ]
        since = left[-1].ended_at if left else encounter.started_at
        current = WardPeriod(
            encounter.ward, since or encounter.started_at, encounter.ended_at
        )
        history.append(EncounterHistory(encounter, [*left, current]))
    return history
