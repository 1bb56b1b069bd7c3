"""Reads for browsing pages: a patient's gallery (filtered, keyset-paginated) and an image.

Everything starts from imaging.selectors.images_visible_to, so the access rule (and the
legal-matter clause issue 8 adds there) applies unchanged.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from audit.models import AuditEvent
from imaging.bodysites import describe
from imaging.models import ClinicalImage, Derivative
from imaging.selectors import AnyUser, images_visible_to
from records.models import Encounter, Patient

PAGE_SIZE = 48
# A gallery filter value naming a coded site rather than the words written for it.
CODE_PREFIX = "code:"


@dataclass(frozen=True)
class GalleryFilters:
    body_site: str = ""
    laterality: str = ""
    encounter: Encounter | None = None
    capture_mode: str = ""
    captured_from: date | None = None
    captured_to: date | None = None

    def as_q(self, zone: ZoneInfo) -> Q:
        """The filters as a Q; dates are the facility's local days."""
        q = Q()
        if self.body_site.startswith(CODE_PREFIX):
            q &= Q(body_site_code=self.body_site.removeprefix(CODE_PREFIX))
        elif self.body_site:
            q &= Q(body_site=self.body_site)
        if self.laterality:
            q &= Q(laterality=self.laterality)
        if self.encounter is not None:
            q &= Q(encounter=self.encounter)
        if self.capture_mode:
            q &= Q(capture_mode=self.capture_mode)
        if self.captured_from:
            q &= Q(captured_at__gte=datetime.combine(self.captured_from, time(), zone))
        if self.captured_to:
            next_day = self.captured_to + timedelta(days=1)
            q &= Q(captured_at__lt=datetime.combine(next_day, time(), zone))
        return q


@dataclass
class GalleryPage:
    images: list[ClinicalImage]
    next_cursor: str | None = None
    filters: GalleryFilters = field(default_factory=GalleryFilters)


def _with_thumbnail_flag(images: QuerySet[ClinicalImage]) -> QuerySet[ClinicalImage]:
    thumbnails = Derivative.objects.filter(
        image=OuterRef("pk"), kind=Derivative.Kind.THUMBNAIL
    )
    return images.annotate(has_thumbnail=Exists(thumbnails))


def gallery_page(
    user: AnyUser,
    patient: Patient,
    filters: GalleryFilters,
    after: str = "",
    size: int = PAGE_SIZE,
) -> GalleryPage:
    """One page of a patient's images, newest first, after the image named by `after`."""
    zone = ZoneInfo(patient.facility.time_zone)
    images = images_visible_to(user).filter(patient=patient).filter(filters.as_q(zone))
    if after:
        # The cursor is the last image shown (a public id, never a sequential id).
        last = (
            images.filter(public_id=after).values_list("captured_at", "id").first()
            if is_uuid(after)
            else None
        )
        if last is not None:
            captured_at, pk = last
            images = images.filter(
                Q(captured_at__lt=captured_at) | Q(captured_at=captured_at, id__lt=pk)
            )
    rows = list(
        _with_thumbnail_flag(images)
        .select_related("encounter__ward")
        .order_by("-captured_at", "-id")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    for image in rows:
        # Grouped under the facility's local day, not the UTC one.
        image.captured_on = image.captured_at.astimezone(zone).date()  # type: ignore[attr-defined]
    cursor = str(rows[-1].public_id) if more else None
    return GalleryPage(images=rows, next_cursor=cursor, filters=filters)


def is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def body_sites_of(user: AnyUser, patient: Patient) -> list[str]:
    """The distinct body sites written on the patient's images, for the filter."""
    return _distinct(user, patient, "body_site")


def coded_sites_of(user: AnyUser, patient: Patient) -> list[tuple[str, str]]:
    """The coded sites on the patient's images as (filter value, words), for the filter."""
    codes = _distinct(user, patient, "body_site_code")
    named = [(f"{CODE_PREFIX}{code}", describe(code)) for code in codes]
    return sorted((pair for pair in named if pair[1]), key=lambda pair: pair[1])


def _distinct(user: AnyUser, patient: Patient, field: str) -> list[str]:
    values = (
        images_visible_to(user)
        .filter(patient=patient)
        .exclude(**{field: ""})
        .order_by(field)
        .values_list(field, flat=True)
        .distinct()
    )
    return list(values[:200])


def image_page_detail(user: AnyUser, public_id: UUID | str) -> ClinicalImage:
    """An image with everything its page shows, in one query; 404 if not visible."""
    previews = Derivative.objects.filter(
        image=OuterRef("pk"), kind=Derivative.Kind.PREVIEW
    )
    try:
        return (
            images_visible_to(user)
            .select_related(
                "patient__facility",
                "encounter__ward",
                "captured_by",
                "uploaded_by",
                "consent_recorded_by",
            )
            .annotate(has_preview=Exists(previews))
            .get(public_id=public_id)
        )
    except (ClinicalImage.DoesNotExist, ValueError) as exc:
        raise Http404("No such image.") from exc


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    # The record the event was filed under: after a wrong-patient move, older events
    # stay on the first patient, so the history names both.
    patient_mrn: str


def access_history(image: ClinicalImage, limit: int = 100) -> list[HistoryRow]:
    """Audit events about the image itself, newest first, with the patient of each."""
    events = list(
        AuditEvent.objects.filter(
            object_type=ClinicalImage._meta.label_lower, object_id=str(image.public_id)
        ).order_by("-sequence")[:limit]
    )
    mrns: dict[UUID | None, str] = dict(
        Patient.objects.filter(
            public_id__in={e.patient_public_id for e in events if e.patient_public_id}
        ).values_list("public_id", "mrn")
    )
    return [
        HistoryRow(event=e, patient_mrn=mrns.get(e.patient_public_id, ""))
        for e in events
    ]
