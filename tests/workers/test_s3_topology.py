"""The production topology end to end: PostgreSQL, Redis, a real worker and S3 storage.

The worker is given STORAGE_BACKEND=s3 and the AWS_* variables a deployment sets, and this
process stores in the same bucket, so every object either side writes is one the other
must read: a photo captured here is made into derivatives there, an export built there is
downloaded here, and verify_storage then checks the bucket they share.
"""

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image

from imaging.models import ClinicalImage, Derivative
from legal.models import ExportBundle
from records.models import Patient
from tests.factories import jpeg_bytes
from tests.imaging.helpers import post_photo
from tests.s3 import S3Server, store_in
from tests.workers.conftest import Stack, wait_for

pytestmark = pytest.mark.real_worker


@pytest.fixture
def bucket(stack: Stack, settings: Any, s3_server: S3Server) -> str:
    """An empty bucket that the worker and this process both keep their objects in."""
    name = s3_server.new_bucket()
    stack.extra_env.update(s3_server.environment(name))
    store_in(settings, s3_server, name)
    return name


def _body(response: Any) -> bytes:
    assert response.status_code == 200, response
    # Originals and bundles stream; derivatives come whole: getvalue() reads either.
    body: bytes = response.getvalue()
    return body


def _capture_and_wait_for_derivatives(
    nurse_api: Any, patient: Patient, photo: bytes
) -> ClinicalImage:
    receipt = post_photo(nurse_api, patient, photo)
    assert receipt.status_code == 201, receipt.content
    assert receipt.json()["sha256"] == hashlib.sha256(photo).hexdigest()
    image = ClinicalImage.objects.get(public_id=receipt.json()["id"])
    wait_for(
        lambda: image.derivatives.count() == len(Derivative.Kind.values),
        "the worker to make the derivatives",
    )
    return image


def _export_the_patient(legal_api: Any, patient: Patient) -> ExportBundle:
    opened = legal_api.post(
        "/api/matters/",
        {
            "reference": "S3-1",
            "kind": "litigation",
            "patients": [str(patient.public_id)],
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    started = legal_api.post(f"/api/matters/{opened.json()['id']}/exports/")
    assert started.status_code == 202, started.content
    bundle = ExportBundle.objects.get(public_id=started.json()["id"])

    def ready() -> bool:
        bundle.refresh_from_db()
        return bundle.status == ExportBundle.Status.READY

    wait_for(ready, "the worker to build the bundle")
    return bundle


def test_a_photo_and_its_legal_export_go_through_a_worker_into_s3(
    stack: Stack,
    bucket: str,
    s3_server: S3Server,
    nurse_api: Any,
    legal_api: Any,
    patient: Patient,
    tmp_path: Path,
) -> None:
    stack.start_worker()
    photo = jpeg_bytes((320, 240), color="teal")

    image = _capture_and_wait_for_derivatives(nurse_api, patient, photo)
    url = f"/api/images/{image.public_id}"

    # What the app reads back, by name of the object it came from.
    served = {image.storage_name: _body(nurse_api.get(f"{url}/original/"))}
    for derivative in image.derivatives.all():
        served[derivative.storage_name] = _body(
            nurse_api.get(f"{url}/{derivative.kind}/")
        )
    assert served[image.storage_name] == photo
    assert hashlib.sha256(served[image.storage_name]).hexdigest() == image.sha256
    # One object per stored thing, all in the bucket: nothing went to a local disk.
    assert s3_server.names_in(bucket) == set(served)
    for name, shown in served.items():
        with Image.open(io.BytesIO(shown)) as decoded:
            assert decoded.format == "JPEG"
        at_rest = s3_server.stored_bytes(bucket, name)
        assert at_rest.startswith(b"CSTD1")
        assert shown not in at_rest

    bundle = _export_the_patient(legal_api, patient)

    assert bundle.progress == 100
    assert bundle.storage_name in s3_server.names_in(bucket)
    assert b"manifest-sha256.txt" not in s3_server.stored_bytes(
        bucket, bundle.storage_name
    )
    zipped = _body(legal_api.get(f"/api/exports/{bundle.public_id}/download/"))
    assert hashlib.sha256(zipped).hexdigest() == bundle.sha256
    (tmp_path / "bundle.zip").write_bytes(zipped)
    checked = io.StringIO()
    call_command("verify_export", str(tmp_path / "bundle.zip"), stdout=checked)
    assert checked.getvalue().startswith("OK:")

    # The build's own clean-up may still be running after its status says ready.
    wait_for(stack.idle, "the worker to finish its tasks")
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_storage", stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert (
        "Checked 1 images, 0 hard-copy files, 1 export bundles, "
        "0 disposal register entries, 1 data keys, "
        "4 stored objects listed: 0 problems." in out.getvalue()
    )
