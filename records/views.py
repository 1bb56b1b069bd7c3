"""Pages about patients and wards."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from records.models import Facility
from records.roles import Role, roles_of
from records.selectors import current_patients_of_ward, wards_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: ward staff see their wards and current patients."""
    user = request.user
    roles = roles_of(user)
    active_images = Count("images", filter=Q(images__status="active"))
    wards = [
        (ward, current_patients_of_ward(ward).annotate(image_count=active_images))
        for ward in wards_of(user)
    ]
    facilities = Facility.objects.filter(
        assignments__user_id=request.user.pk or 0
    ).annotate(patient_count=Count("patients", distinct=True))
    return render(
        request,
        "records/home.html",
        {"roles": roles, "Role": Role, "wards": wards, "facilities": facilities},
    )
