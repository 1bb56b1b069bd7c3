"""What imaging adds to records' pages; registered in ImagingConfig.ready()."""

from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse

from accounts.roles import Role
from imaging import storage_checks
from imaging.models import ClinicalImage, Derivative
from imaging.safety.moves import moves_awaiting
from imaging.services.viewing import view_thumbnails
from records import hooks
from records.models import Encounter


def _moves_to_decide(user: User, roles: list[Role]) -> list[hooks.Duty]:
    if not {Role.WARD_STAFF, Role.RECORDS_MANAGER} & set(roles):
        return []
    return [
        hooks.Duty(
            moves_awaiting(user).count(),
            "image on the wrong patient awaits a second person's decision",
            "images on the wrong patient await a second person's decision",
            reverse("safety:move-queue"),
        )
    ]


def _with_images(encounters: QuerySet[Encounter]) -> QuerySet[Encounter]:
    """Each current patient's image count and newest thumbnail."""
    active = ClinicalImage.objects.active().filter(patient=OuterRef("patient_id"))
    counts = active.order_by().values("patient_id").annotate(n=Count("pk")).values("n")
    newest = (
        active.filter(derivatives__kind=Derivative.Kind.THUMBNAIL)
        .order_by("-captured_at", "-id")
        .values("public_id")[:1]
    )
    return encounters.annotate(
        image_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)),
        newest_image=Subquery(newest),
    )


def _audit_thumbnails(request: HttpRequest, rows: list[Encounter]) -> None:
    shown = [
        (e.patient, e.newest_image)  # type: ignore[attr-defined]
        for e in rows
        if getattr(e, "newest_image", None)
    ]
    view_thumbnails(actor=request.user, shown=shown, request=request)  # type: ignore[arg-type]


def register() -> None:
    storage_checks.register()
    hooks.waiting_duties.register(_moves_to_decide)
    hooks.ward_row_annotations.register(_with_images)
    hooks.ward_rows_shown.register(_audit_thumbnails)
