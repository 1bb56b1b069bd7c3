"""Reads behind the FHIR API, always through the access rule (records, imaging).

Patients come from records.selectors.patients_visible_to and images from
imaging.selectors.images_visible_to: the FHIR API sees exactly what /api/ sees.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet

from imaging.models import ClinicalImage
from imaging.selectors import AnyUser, image_for, images_visible_to
from interop.fhir.errors import InvalidSearch
from records.models import IdentifierType, Patient, PatientIdentifier
from records.selectors import patients_visible_to

MRN_SYSTEM_PREFIX = "urn:custodian:mrn:"
IHI_SYSTEM = "http://ns.electronichealth.net.au/id/hi/ihi/1.0"
CURSOR_SALT = "interop.fhir.media-page"


def mrn_system(patient: Patient) -> str:
    """The MRN's identifier system: one per facility."""
    return f"{MRN_SYSTEM_PREFIX}{patient.facility.code}"


def ihi_of(patient: Patient) -> str:
    """The patient's IHI, as the PAS sent it (PID-3 type NI), or "" when none is known."""
    ihi = (
        PatientIdentifier.objects.filter(patient=patient, type=IdentifierType.IHI)
        .values_list("value", flat=True)
        .first()
    )
    return ihi or ""


def _ihi_rule(value: str) -> Q:
    holders = PatientIdentifier.objects.filter(type=IdentifierType.IHI, value=value)
    return Q(pk__in=holders.values("patient_id"))


def patients_by_identifier(user: AnyUser, token: str) -> QuerySet[Patient]:
    """Visible patients matching a token search: `value` or `system|value`."""
    system, bar, value = token.rpartition("|")
    if not bar:
        system, value = "", token
    value = value.strip()
    if not value:
        raise InvalidSearch("identifier needs a value: identifier=[system|]value.")
    if not bar:
        rule = Q(mrn=value) | _ihi_rule(value)
    elif system.startswith(MRN_SYSTEM_PREFIX):
        code = system.removeprefix(MRN_SYSTEM_PREFIX)
        rule = Q(mrn=value, facility__code=code)
    elif system == IHI_SYSTEM:
        rule = _ihi_rule(value)
    else:
        # An identifier system we do not issue matches no patient (FHIR: no error).
        rule = Q(pk__in=[])
    return patients_visible_to(user).filter(rule).order_by("family_name", "pk")


@dataclass(frozen=True)
class MediaPage:
    images: list[ClinicalImage]
    total: int
    next_cursor: str | None


def media_page(
    user: AnyUser,
    patient: Patient,
    *,
    created: list[tuple[str, datetime]],
    count: int,
    cursor: str = "",
) -> MediaPage:
    """One page of the patient's images, newest first, keyset-paginated."""
    images = images_visible_to(user).filter(patient=patient)
    for lookup, moment in created:
        images = images.filter(**{f"captured_at__{lookup}": moment})
    total = images.count()
    if cursor:
        captured_at, pk = _read_cursor(cursor)
        images = images.filter(
            Q(captured_at__lt=captured_at) | Q(captured_at=captured_at, pk__lt=pk)
        )
    rows = list(
        images.select_related(
            "patient__facility", "encounter__ward", "captured_by"
        ).order_by("-captured_at", "-pk")[: count + 1]
    )
    more = len(rows) > count
    rows = rows[:count]
    after = _write_cursor(rows[-1]) if more and rows else None
    return MediaPage(images=rows, total=total, next_cursor=after)


def _write_cursor(image: ClinicalImage) -> str:
    # Signed, so the next link cannot be edited into a probe of other rows' positions.
    return signing.dumps([image.captured_at.isoformat(), image.pk], salt=CURSOR_SALT)


def _read_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        captured_at, pk = signing.loads(cursor, salt=CURSOR_SALT)
        return datetime.fromisoformat(captured_at), int(pk)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidSearch("_cursor is not one this server gave.") from exc


def media_for(user: AnyUser, public_id: str) -> ClinicalImage:
    """One image the user may see (404 otherwise: never confirm it exists)."""
    return image_for(user, public_id)
