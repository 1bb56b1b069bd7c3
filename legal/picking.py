"""Choosing a matter's scope on its page: the draft so far, and images to pick from.

The page carries the draft in its own fields (no JavaScript, nothing stored until the
matter opens); every read here is limited to patients the officer may search, the same
reach opening the matter checks.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from imaging.models import ClinicalImage, Derivative
from imaging.services.viewing import view_gallery
from records.models import Patient
from records.selectors import AnyUser, patients_searchable_by

PICK_PAGE_SIZE = 48
# Thumbnails the officer was shown on an audited picker: only those may be fetched.
SHOWN_KEY = "legal_pick_shown"
SHOWN_KEEP = 500


@dataclass
class Draft:
    """The scope as posted: what resolved, and the ids that named nothing reachable."""

    patients: list[Patient] = field(default_factory=list)
    images: list[ClinicalImage] = field(default_factory=list)
    unreachable_patients: list[str] = field(default_factory=list)
    unreachable_images: list[str] = field(default_factory=list)

    @property
    def unreachable(self) -> bool:
        return bool(self.unreachable_patients or self.unreachable_images)


@dataclass
class Picker:
    """One page of a patient's images to pick from, newest first."""

    patient: Patient
    images: list[ClinicalImage]
    next_after: str | None = None


def _canonical(value: str) -> str:
    """The id as the database spells it, or the value itself if it is no UUID."""
    try:
        return str(UUID(value))
    except ValueError:
        return value


def draft_of(user: AnyUser, patient_ids: list[str], image_ids: list[str]) -> Draft:
    """Resolve the posted ids within the officer's reach, in the order given."""
    patient_ids = list(dict.fromkeys(map(_canonical, patient_ids)))
    image_ids = list(dict.fromkeys(map(_canonical, image_ids)))
    reachable = patients_searchable_by(user)
    patients = {
        str(p.public_id): p for p in reachable.filter(public_id__in=_valid(patient_ids))
    }
    images = {
        str(i.public_id): i
        for i in ClinicalImage.objects.filter(
            patient__in=reachable, public_id__in=_valid(image_ids)
        ).select_related("patient__facility")
    }
    return Draft(
        patients=[patients[i] for i in patient_ids if i in patients],
        images=[images[i] for i in image_ids if i in images],
        unreachable_patients=[i for i in patient_ids if i not in patients],
        unreachable_images=[i for i in image_ids if i not in images],
    )


def _valid(ids: list[str]) -> list[str]:
    """Only the ids that are UUIDs: anything else would make the query raise."""
    valid = []
    for value in ids:
        try:
            UUID(value)
        except ValueError:
            continue
        valid.append(value)
    return valid


def pickable_patient(user: AnyUser, public_id: str) -> Patient:
    """A patient whose images the officer may pick from; 404 otherwise (never confirm)."""
    try:
        return patients_searchable_by(user).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404("No such patient.") from exc


def picker_page(patient: Patient, after: str = "") -> Picker:
    """The patient's images still held (disposed ones cannot be), newest first."""
    images = ClinicalImage.objects.active().filter(patient=patient)
    last = (
        images.filter(public_id__in=_valid([_canonical(after)]))
        .values_list("captured_at", "id")
        .first()
    )
    if last is not None:
        captured_at, pk = last
        images = images.filter(
            Q(captured_at__lt=captured_at) | Q(captured_at=captured_at, id__lt=pk)
        )
    thumbnails = Derivative.objects.filter(
        image=OuterRef("pk"), kind=Derivative.Kind.THUMBNAIL
    )
    rows = list(
        images.annotate(has_thumbnail=Exists(thumbnails))
        .select_related("patient__facility")
        .order_by("-captured_at", "-id")[: PICK_PAGE_SIZE + 1]
    )
    more = len(rows) > PICK_PAGE_SIZE
    rows = rows[:PICK_PAGE_SIZE]
    return Picker(
        patient=patient,
        images=rows,
        next_after=str(rows[-1].public_id) if more else None,
    )


def show_picker(*, actor: User, picker: Picker, request: HttpRequest) -> None:
    """Audit the images shown to pick from, and let their thumbnails be fetched."""
    view_gallery(
        actor=actor,
        patient=picker.patient,
        images=picker.images,
        request=request,
        filters={"page": "legal-matter-new"},
    )
    shown = [str(image.public_id) for image in picker.images]
    earlier = [i for i in request.session.get(SHOWN_KEY, []) if i not in shown]
    request.session[SHOWN_KEY] = (earlier + shown)[-SHOWN_KEEP:]


def was_shown(request: HttpRequest, public_id: UUID) -> bool:
    """True if this session was shown the image on an audited picker."""
    return str(public_id) in request.session.get(SHOWN_KEY, [])


def pickable_image(user: AnyUser, public_id: UUID) -> ClinicalImage:
    """An image still held of a patient the officer may search; 404 otherwise."""
    image = (
        ClinicalImage.objects.active()
        .filter(patient__in=patients_searchable_by(user), public_id=public_id)
        .first()
    )
    if image is None:
        raise Http404("No such image.")
    return image
