"""Each role's starting point: what is waiting for them; for ward staff, their wards."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from imaging.hardcopy.selectors import (
    hard_copies_to_retrieve,
    may_print,
    overdue_hard_copies,
)
from imaging.models import ClinicalImage, Derivative, ExportBundle
from imaging.safety.moves import moves_awaiting
from imaging.services.viewing import view_ward_list
from records.models import BreakGlassReview, DisposalBatch, Encounter, Facility, Ward
from records.roles import Role, roles_of
from records.selectors import (
    break_glass_queue,
    current_encounters_on_wards_of,
    wards_of,
)


@dataclass(frozen=True)
class Waiting:
    """Work that waits on this user: how much, and where to do it."""

    count: int
    label: str
    url: str


def _waiting(user: User, roles: list[Role]) -> list[Waiting]:
    """Each duty the user's roles carry, with what is waiting on it now."""
    duties: list[tuple[int, str, str, str]] = []
    if {Role.WARD_STAFF, Role.RECORDS_MANAGER} & set(roles):
        duties.append(
            (
                moves_awaiting(user).count(),
                "image on the wrong patient awaits a second person's decision",
                "images on the wrong patient await a second person's decision",
                reverse("safety:move-queue"),
            )
        )
    if may_print(user):
        duties += [
            (
                hard_copies_to_retrieve(user).count(),
                "printed copy to take out of a paper record",
                "printed copies to take out of a paper record",
                reverse("hardcopies:index"),
            ),
            (
                overdue_hard_copies(user).count(),
                "hard copy not filed in time",
                "hard copies not filed in time",
                reverse("hardcopies:overdue"),
            ),
        ]
    if user.has_perm("records.approve_disposal"):
        undecided = (DisposalBatch.Status.PROPOSED, DisposalBatch.Status.APPROVED_ONCE)
        duties.append(
            (
                DisposalBatch.objects.filter(status__in=undecided).count(),
                "disposal batch awaits approval",
                "disposal batches await approval",
                reverse("retention:batches"),
            )
        )
    if Role.PRIVACY_OFFICER in roles:
        pending = BreakGlassReview.PENDING
        duties.append(
            (
                break_glass_queue(user).filter(review_status=pending).count(),
                "break-the-glass access to review",
                "break-the-glass accesses to review",
                reverse("records:break-glass-queue"),
            )
        )
    if user.has_perm("imaging.export_images"):
        ready = ExportBundle.objects.filter(
            requested_by=user, status=ExportBundle.Status.READY
        )
        duties.append(
            (
                ready.count(),
                "export ready to download",
                "exports ready to download",
                reverse("legal:home"),
            )
        )
    return [
        Waiting(count, one if count == 1 else many, url)
        for count, one, many, url in duties
        if count
    ]


def _ward_rows(request: HttpRequest) -> list[Encounter]:
    """Current patients of the user's wards with image counts and newest thumbnail."""
    active = ClinicalImage.objects.active().filter(patient=OuterRef("patient_id"))
    counts = active.order_by().values("patient_id").annotate(n=Count("pk")).values("n")
    newest = (
        active.filter(derivatives__kind=Derivative.Kind.THUMBNAIL)
        .order_by("-captured_at", "-id")
        .values("public_id")[:1]
    )
    return list(
        current_encounters_on_wards_of(request.user).annotate(
            image_count=Coalesce(
                Subquery(counts, output_field=IntegerField()), Value(0)
            ),
            newest_image=Subquery(newest),
        )
    )


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
        shown = [(e.patient, e.newest_image) for e in encounters if e.newest_image]  # type: ignore[attr-defined]
        view_ward_list(actor=request.user, shown=shown, request=request)  # type: ignore[arg-type]
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
