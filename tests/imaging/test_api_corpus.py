"""Every file of the corpus gets the answer it deserves through the API."""

import hashlib
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from PIL import Image
from rest_framework.test import APIClient

from audit.models import AuditEvent
from imaging.models import ClinicalImage, Derivative
from records.models import Patient
from tests.data import corpus
from tests.imaging.helpers import post_photo, stored_files
from vault.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_megabyte_limit(settings: object) -> None:
    settings.CUSTODIAN_MAX_UPLOAD_MB = corpus.OVER_LIMIT_MB  # type: ignore[attr-defined]


@pytest.mark.parametrize("sample", corpus.REFUSED, ids=lambda s: s.name)
def test_refused_file_gets_a_clear_4xx_and_leaves_nothing(
    sample: corpus.Sample, nurse_api: APIClient, patient: Patient, media_root: Path
) -> None:
    response = post_photo(nurse_api, patient, sample.data, name=sample.name)
    assert response.status_code == sample.status
    assert response.json()["detail"]
    assert response.json()["file"]
    assert not ClinicalImage.objects.exists()
    assert not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "sample",
    [s for s in corpus.ACCEPTED if s.name != "huge-allowed.jpg"],
    ids=lambda s: s.name,
)
def test_accepted_file_round_trips_byte_exact_and_is_encrypted_at_rest(
    sample: corpus.Sample, nurse_api: APIClient, patient: Patient, media_root: Path
) -> None:
    response = post_photo(nurse_api, patient, sample.data, name=sample.name)
    assert response.status_code == 201, response.json()
    receipt = response.json()
    assert receipt["sha256"] == hashlib.sha256(sample.data).hexdigest()
    assert receipt["size"] == len(sample.data)
    original = nurse_api.get(f"/api/images/{receipt['id']}/original/")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == sample.data  # type: ignore[attr-defined]
    assert original["X-Content-Type-Options"] == "nosniff"
    on_disk = (media_root / ClinicalImage.objects.get().storage_name).read_bytes()
    assert sample.data[:64] not in on_disk


def _preview(client: APIClient, image_id: str) -> Image.Image:
    response = client.get(f"/api/images/{image_id}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize(
    "sample",
    [s for s in corpus.ACCEPTED if "huge" not in s.name],
    ids=lambda s: s.name,
)
def test_accepted_file_is_rendered_upright_with_its_colours(
    sample: corpus.Sample,
    nurse_api: APIClient,
    patient: Patient,
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        receipt = post_photo(nurse_api, patient, sample.data, name=sample.name).json()
    preview = _preview(nurse_api, receipt["id"])
    assert preview.mode == "RGB"
    assert preview.size == corpus.UPRIGHT
    expected = corpus.upright("L" if sample.name.startswith("grey") else "RGB")
    for corner in ((3, 3), (80, 50)):
        want = expected.convert("RGB").getpixel(corner)
        got = preview.getpixel(corner)
        assert max(abs(a - b) for a, b in zip(got, want, strict=True)) < 40  # type: ignore[arg-type]


def test_huge_but_allowed_image_is_stored_and_previewed(
    nurse_api: APIClient,
    patient: Patient,
    settings: object,
    django_capture_on_commit_callbacks: object,
) -> None:
    data = corpus.SAMPLES["huge-allowed.jpg"].data
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = post_photo(nurse_api, patient, data, name="huge.jpg")
    assert response.status_code == 201
    image = ClinicalImage.objects.get()
    assert (image.width, image.height) == (8_000, 8_000)
    assert max(_preview(nurse_api, response.json()["id"]).size) == 1600


def test_data_after_the_end_marker_is_kept_and_served_only_as_jpeg(
    nurse_api: APIClient, patient: Patient
) -> None:
    data = corpus.SAMPLES["polyglot.jpg"].data
    receipt = post_photo(nurse_api, patient, data, name="page.html").json()
    original = nurse_api.get(f"/api/images/{receipt['id']}/original/")
    assert original["Content-Type"] == "image/jpeg"
    assert original["Content-Disposition"].startswith("attachment")
    assert original["Content-Disposition"].endswith('.jpg"')
    assert b"".join(original.streaming_content) == data  # type: ignore[attr-defined]


def test_a_jpeg_named_png_is_recorded_as_jpeg(
    nurse_api: APIClient, patient: Patient
) -> None:
    data = corpus.SAMPLES["really-a-jpeg.png"].data
    post_photo(nurse_api, patient, data, name="really-a-jpeg.png")
    assert ClinicalImage.objects.get().content_type == "image/jpeg"


def test_a_phones_multi_picture_jpeg_is_accepted_as_jpeg(
    nurse_api: APIClient, patient: Patient
) -> None:
    data = corpus.SAMPLES["gain-map.jpg"].data
    assert post_photo(nurse_api, patient, data).status_code == 201
    assert ClinicalImage.objects.get().content_type == "image/jpeg"


def test_heic_is_recorded_as_heic(nurse_api: APIClient, patient: Patient) -> None:
    post_photo(nurse_api, patient, corpus.SAMPLES["phone.heic"].data, name="a.heic")
    assert ClinicalImage.objects.get().content_type == "image/heic"


def test_derivatives_carry_no_exif_gps_or_comment(
    nurse_api: APIClient,
    nurse: User,
    patient: Patient,
    django_capture_on_commit_callbacks: object,
) -> None:
    data = corpus.SAMPLES["gps-and-comment.jpg"].data
    assert b"bed 4" in data
    assert b"Exif" in data
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        receipt = post_photo(nurse_api, patient, data).json()
    for kind in Derivative.Kind.values:
        body = nurse_api.get(f"/api/images/{receipt['id']}/{kind}/").content
        assert b"bed 4" not in body
        assert b"Exif" not in body
        assert b"iPhone" not in body
        with Image.open(io.BytesIO(body)) as im:
            assert not im.getexif()
            assert "comment" not in im.info
            assert "icc_profile" not in im.info
