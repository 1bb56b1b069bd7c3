"""Legal work: opening matters (with their hold), requesting, downloading and expiring bundles."""

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.permissions import may_export_images
from audit.services import Action, record_event
from common.queue import enqueue
from imaging.models import ClinicalImage
from legal.errors import (
    DisposedInScope,
    EmptyScope,
    ExportExpired,
    ExportNotReady,
)
from legal.holds import place_legal_hold
from legal.models import ExportBundle, LegalMatter
from legal.numbering import default_prefix, valid_prefix
from legal.scope import images_in_scope
from legal.selectors import scope_patients
from records.models import Patient
from records.selectors import patients_searchable_by
from vault import blobs, crypto


def _resolve_scope(
    actor: User, patient_ids: Sequence[UUID | str], image_ids: Sequence[UUID | str]
) -> tuple[list[Patient], list[ClinicalImage]]:
    """The chosen patients and images, all within the actor's reach, or 404."""
    reachable = patients_searchable_by(actor)
    try:
        patients = list(reachable.filter(public_id__in=patient_ids))
        images = list(
            ClinicalImage.objects.filter(
                patient__in=reachable, public_id__in=image_ids
            ).select_related("patient")
        )
    except ValidationError as exc:
        raise Http404("No such patient or image.") from exc
    if len(patients) != len(set(map(str, patient_ids))) or len(images) != len(
        set(map(str, image_ids))
    ):
        raise Http404("No such patient or image.")
    return patients, images


def _check_matter_fields(
    reference: str, kind: str, start: date | None, end: date | None
) -> None:
    if not reference.strip():
        raise ValidationError({"reference": "Give the matter's reference."})
    if kind not in LegalMatter.Kind.values:
        raise ValidationError(
            {"kind": f"Kind must be one of {', '.join(LegalMatter.Kind.values)}."}
        )
    if start and end and end < start:
        raise ValidationError({"scope_to": "The scope ends before it starts."})
    if LegalMatter.objects.filter(reference=reference.strip()).exists():
        raise ValidationError(
            {"reference": "A matter with this reference exists already."}
        )


@transaction.atomic
def open_matter(
    *,
    actor: User,
    reference: str,
    kind: str,
    patients: Sequence[UUID | str] = (),
    images: Sequence[UUID | str] = (),
    description: str = "",
    court_or_body: str = "",
    scope_from: date | None = None,
    scope_to: date | None = None,
    request: HttpRequest | None = None,
) -> LegalMatter:
    """Open a legal matter and place its hold on the whole scope, in one transaction."""
    if not may_export_images(actor):
        raise PermissionDenied("Only legal officers open matters.")
    _check_matter_fields(reference, kind, scope_from, scope_to)
    chosen_patients, chosen_images = _resolve_scope(actor, patients, images)
    if not chosen_patients and not chosen_images:
        raise EmptyScope("Choose at least one patient or image.", field="patients")
    disposed = [i for i in chosen_images if i.status == ClinicalImage.Status.DISPOSED]
    if disposed:
        raise DisposedInScope(
            f"Image {disposed[0].public_id} was disposed of on "
            f"{disposed[0].disposed_at:%d/%m/%Y}: it is in the disposal register and "
            "can be neither held nor exported.",
            field="images",
        )
    matter = LegalMatter.objects.create(
        reference=reference.strip(),
        kind=kind,
        description=description,
        court_or_body=court_or_body,
        scope_from=scope_from,
        scope_to=scope_to,
        opened_by=actor,
    )
    matter.patients.set(chosen_patients)
    matter.images.set(chosen_images)
    for patient in {*chosen_patients, *(i.patient for i in chosen_images)}:
        record_event(
            actor=actor,
            action=Action.MATTER_OPENED,
            target=matter,
            patient=patient,
            request=request,
            detail={"reference": matter.reference, "kind": kind},
        )
    place_legal_hold(
        actor=actor,
        reason=f"Legal matter {matter.reference} ({matter.get_kind_display()})",
        patients=chosen_patients,
        images=chosen_images,
        matter=matter,
        request=request,
    )
    return matter


@transaction.atomic
def request_export(
    *,
    actor: User,
    matter: LegalMatter,
    numbering: str = ExportBundle.Numbering.COURT,
    prefix: str = "",
    request: HttpRequest | None = None,
) -> ExportBundle:
    """Queue a bundle of the matter's whole scope; the build runs in Celery."""
    if not may_export_images(actor):
        raise PermissionDenied("Only legal officers export images.")
    if matter.opened_by_id != actor.pk or matter.closed_at is not None:
        raise Http404("No such matter.")
    prefix = (prefix or default_prefix(matter.reference)).strip().upper()
    if numbering not in ExportBundle.Numbering.values:
        raise ValidationError({"numbering": "Numbering must be court or bates."})
    if not valid_prefix(prefix):
        raise ValidationError(
            {"prefix": "The party prefix is 2 to 6 letters, e.g. RPA."}
        )
    images = images_in_scope(matter)
    if not images.filter(status=ClinicalImage.Status.ACTIVE).exists():
        raise EmptyScope("The matter's scope holds no images to export.")
    bundle = ExportBundle.objects.create(
        matter=matter,
        requested_by=actor,
        numbering=numbering,
        document_prefix=prefix,
        images_total=images.count(),
    )
    for patient in scope_patients(matter):
        record_event(
            actor=actor,
            action=Action.EXPORT,
            target=bundle,
            patient=patient,
            request=request,
            detail={"matter": matter.reference, "images": bundle.images_total},
        )
    enqueue("legal.tasks.build_export_bundle", bundle.pk)
    return bundle


def _expired(bundle: ExportBundle) -> bool:
    return bundle.status == ExportBundle.Status.EXPIRED or bool(
        bundle.expires_at and bundle.expires_at <= timezone.now()
    )


@transaction.atomic
def download_export(
    *, actor: User, bundle: ExportBundle, request: HttpRequest | None = None
) -> Iterator[bytes]:
    """Audit the download of a ready bundle (already resolved for the actor), then stream it."""
    if _expired(bundle):
        raise ExportExpired("This export link has expired; request a new export.")
    if bundle.status != ExportBundle.Status.READY:
        raise ExportNotReady("The bundle is not ready yet.")
    ExportBundle.objects.filter(pk=bundle.pk).update(
        download_count=F("download_count") + 1
    )
    for patient in scope_patients(bundle.matter):
        record_event(
            actor=actor,
            action=Action.EXPORT_DOWNLOADED,
            target=bundle,
            patient=patient,
            request=request,
            detail={"sha256": bundle.sha256, "size": bundle.size_bytes},
        )
    return blobs.read_decrypted(bundle.storage_name, bundle_key(bundle))


def bundle_key(bundle: ExportBundle) -> bytes:
    """The bundle's own data key in clear, unwrapped from its row."""
    return crypto.unwrap_key(
        bytes(bundle.wrapped_key or b""), context=bundle_context(bundle)
    )


def bundle_context(bundle: ExportBundle) -> str:
    return f"export:{bundle.public_id}"


def expiry_from(moment: datetime) -> datetime:
    return moment + timedelta(days=settings.CUSTODIAN_EXPORT_EXPIRY_DAYS)


def delete_expired_exports() -> int:
    """Delete every bundle past its expiry (the matter and its record stay); return how many."""
    count = 0
    due = ExportBundle.objects.filter(
        status=ExportBundle.Status.READY, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    for pk in list(due):
        count += _expire_one(pk)
    return count


@transaction.atomic
def _expire_one(pk: int) -> int:
    bundle = ExportBundle.objects.select_for_update().filter(pk=pk).first()
    if bundle is None or bundle.status != ExportBundle.Status.READY:
        return 0
    name = bundle.storage_name
    bundle.status = ExportBundle.Status.EXPIRED
    bundle.storage_name = ""
    # Dropping the wrapped key shreds any copy of the object a backup still holds.
    bundle.wrapped_key = None
    bundle.save(update_fields=["status", "storage_name", "wrapped_key"])
    record_event(
        actor=None,
        action=Action.EXPORT_EXPIRED,
        target=bundle,
        detail={"matter": bundle.matter.reference, "sha256": bundle.sha256},
    )
    transaction.on_commit(lambda: blobs.discard(name))
    return 1
