"""Reading stored bytes: originals (audited downloads) and derivatives (shown on pages).

The caller has already resolved the image through imaging.selectors (which enforces who
may see it); these functions decrypt and, for originals, audit inside a transaction.
"""

from collections.abc import Iterator

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accounts.permissions import may_download_original
from audit.services import Action, record_event
from imaging.models import ClinicalImage, Derivative
from imaging.validation import EXTENSIONS
from vault import blobs


def original_filename(image: ClinicalImage) -> str:
    """A download name that says what it is and never trusts the uploaded name."""
    return f"{image.patient.mrn}-{image.public_id}{EXTENSIONS[image.content_type]}"


@transaction.atomic
def download_original(
    *, actor: User, image: ClinicalImage, request: HttpRequest | None = None
) -> Iterator[bytes]:
    """Audit the download, then stream the original's exact bytes."""
    if not may_download_original(actor):
        raise PermissionDenied("Your role may not download originals.")
    record_event(
        actor=actor,
        action=Action.DOWNLOAD,
        target=image,
        patient=image.patient,
        request=request,
        detail={"sha256": image.sha256, "size": image.size_bytes},
    )
    key = blobs.data_key(image.public_id)
    return blobs.read_decrypted(image.storage_name, key)


def derivative_bytes(derivative: Derivative) -> bytes:
    """A thumbnail's or preview's JPEG bytes (small: read whole)."""
    key = blobs.data_key(derivative.image.public_id)
    return b"".join(blobs.read_decrypted(derivative.storage_name, key))
