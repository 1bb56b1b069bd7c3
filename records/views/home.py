"""Each role's starting point; for ward staff, their wards' current patients."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imaging.models import ClinicalImage, Derivative
from imaging.services.viewing import view_ward_list
from records.models import Encounter, Facility, Ward
from records.roles import Role, roles_of
from records.selectors import current_encounters_on_wards_of, wards_of


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
    context = {"roles": roles, "Role": Role, "wards": wards, "facilities": facilities}
    return render(request, "records/home.html", context)
