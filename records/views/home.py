"""Each role's starting point: what is waiting for them; for ward staff, their wards.

The frame is records'; what waits in other apps, and what they show about each patient
on the user's wards, comes from them through records.hooks.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.roles import Role, roles_of
from records import hooks
from records.models import BreakGlassReview, Encounter, Facility, Ward
from records.selectors import (
    break_glass_queue,
    current_encounters_on_wards_of,
    wards_of,
)


def _break_glass_reviews(user: User, roles: list[Role]) -> list[hooks.Duty]:
    if Role.PRIVACY_OFFICER not in roles:
        return []
    pending = break_glass_queue(user).filter(review_status=BreakGlassReview.PENDING)
    return [
        hooks.Duty(
            pending.count(),
            "break-the-glass access to review",
            "break-the-glass accesses to review",
            reverse("records:break-glass-queue"),
        )
    ]


def _waiting(user: User, roles: list[Role]) -> list[hooks.Duty]:
    """Each duty the user's roles carry in any app, with what is waiting on it now."""
    duties = [d for duties_of in hooks.waiting_duties for d in duties_of(user, roles)]
    return [duty for duty in duties + _break_glass_reviews(user, roles) if duty.count]


def _ward_rows(request: HttpRequest) -> list[Encounter]:
    """Current patients of the user's wards, with what each app shows about them."""
    encounters = current_encounters_on_wards_of(request.user)
    for annotate in hooks.ward_row_annotations:
        encounters = annotate(encounters)
    rows = list(encounters)
    for shown in hooks.ward_rows_shown:
        shown(request, rows)
    return rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Ward staff see their wards and current patients; others their facilities."""
    roles = roles_of(request.user)
    wards: list[tuple[Ward, list[Encounter]]] = []
    if Role.WARD_STAFF in roles:
        encounters = _ward_rows(request)
        wards = [
            (ward, [e for e in encounters if e.ward_id == ward.pk])
            for ward in wards_of(request.user)
        ]
    facilities = Facility.objects.filter(
        assignments__user_id=request.user.pk or 0
    ).annotate(patient_count=Count("patients", distinct=True))
    context = {
        "roles": roles,
        "Role": Role,
        "wards": wards,
        "facilities": facilities,
        "waiting": _waiting(request.user, roles),  # type: ignore[arg-type]
    }
    return render(request, "records/home.html", context)
