"""Originals and derivatives survive the trip through storage: local files and S3 alike."""

import io
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from audit.models import AuditEvent
from imaging.exceptions import UnsupportedImage
from imaging.models import ClinicalImage, Derivative
from imaging.services import make_derivatives
from imaging.services.access import derivative_bytes, download_original
from records.models import Patient
from tests.factories import capture, jpeg_bytes
from tests.storage.conftest import Backend
from vault import blobs
from vault.models import DataKey

# boto3 uploads in parts above 8 MB (its default multipart threshold).
MULTIPART_THRESHOLD = 8 * 1024 * 1024


def _large_photo() -> bytes:
    """A real, decodable JPEG of noise: incompressible, so well above the threshold."""
    width, height = 3000, 2200
    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=100)
    return out.getvalue()


def test_an_ingested_original_reads_back_byte_exact_and_is_encrypted_at_rest(
    backend: Backend, nurse: User, patient: Patient, media_root: Path
) -> None:
    photo = jpeg_bytes((800, 600), color="teal", quality=93)
    image = capture(actor=nurse, patient=patient, data=photo)

    assert b"".join(download_original(actor=nurse, image=image)) == photo
    assert backend.raw_names(media_root) == {image.storage_name}
    with default_storage.open(image.storage_name, "rb") as stored:
        at_rest = stored.read()
    assert photo not in at_rest
    assert at_rest.startswith(b"CSTD1")


def test_derivatives_are_stored_beside_the_original_and_decode_as_jpeg(
    backend: Backend, wound_photo: ClinicalImage, media_root: Path
) -> None:
    made = make_derivatives(image_id=wound_photo.pk)

    assert {d.kind for d in made} == set(Derivative.Kind.values)
    assert backend.raw_names(media_root) == {
        wound_photo.storage_name,
        *(d.storage_name for d in made),
    }
    for derivative in made:
        with Image.open(io.BytesIO(derivative_bytes(derivative))) as shown:
            assert shown.format == "JPEG"
            assert shown.size == (derivative.width, derivative.height)


def test_a_stored_name_is_never_overwritten(backend: Backend, db: None) -> None:
    first = default_storage.save("originals/aa/same.enc", ContentFile(b"first"))
    second = default_storage.save("originals/aa/same.enc", ContentFile(b"second"))

    assert first != second
    with default_storage.open(first, "rb") as kept:
        assert kept.read() == b"first"


def test_discarding_an_object_deletes_it_from_the_store(
    backend: Backend, wound_photo: ClinicalImage, media_root: Path
) -> None:
    blobs.discard(wound_photo.storage_name)

    assert not default_storage.exists(wound_photo.storage_name)
    assert backend.raw_names(media_root) == set()


def test_a_refused_upload_leaves_no_object_in_the_store(
    backend: Backend, nurse: User, patient: Patient, media_root: Path
) -> None:
    with pytest.raises(UnsupportedImage):
        capture(actor=nurse, patient=patient, data=b"%PDF-1.7 not a photo")

    assert backend.raw_names(media_root) == set()
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_large_original_goes_up_in_parts_and_comes_back_whole(
    s3: Backend, nurse: User, patient: Patient
) -> None:
    photo = _large_photo()
    assert len(photo) > MULTIPART_THRESHOLD

    image = capture(actor=nurse, patient=patient, data=photo)

    assert s3.server is not None
    head = s3.server.client().head_object(Bucket=s3.bucket, Key=image.storage_name)
    # S3 gives an object uploaded in N parts an ETag ending in "-N".
    parts = int(head["ETag"].strip('"').rpartition("-")[2])
    assert parts >= 2
    assert b"".join(download_original(actor=nurse, image=image)) == photo


def test_stored_objects_are_private_and_encrypted_by_the_server(
    s3: Backend, wound_photo: ClinicalImage
) -> None:
    assert s3.server is not None
    url = f"{s3.server.endpoint_url}/{s3.bucket}/{wound_photo.storage_name}"

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 - our own test server
    assert refused.value.code == 403

    client = s3.server.client()
    head = client.head_object(Bucket=s3.bucket, Key=wound_photo.storage_name)
    assert head["ServerSideEncryption"] == "AES256"
    grants = client.get_object_acl(Bucket=s3.bucket, Key=wound_photo.storage_name)
    assert all("URI" not in grant["Grantee"] for grant in grants["Grants"])
