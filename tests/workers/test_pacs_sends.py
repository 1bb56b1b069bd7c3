"""Automatic sends to a real PACS (Orthanc) through a real worker on PostgreSQL + Redis.

A destination marked --auto gets each new photo of its facility, by the worker, once per
image and destination even when the task is delivered twice; a PACS that refuses the
association is retried with a growing delay and the send ends failed, with the reason,
where the clinician and the API see it.
"""

import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination, PacsSend
from interop.pacs.services import add_pacs_destination
from records.models import Patient
from tests.factories import capture
from tests.interop.pacs_fixtures import ASSOCIATION_REFUSED
from tests.interop.photos import FOREARM, baseline_jpeg
from tests.orthanc import Orthanc, running_orthanc
from tests.workers.conftest import Stack, wait_for

pytestmark = pytest.mark.real_worker
SEND_TASK = "interop.tasks.send_to_pacs"
RETRY_SECONDS = 1.0
MAX_RETRIES = 2


@pytest.fixture(scope="module")
def orthanc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture
def pacs(orthanc_server: Orthanc) -> Orthanc:
    orthanc_server.empty()
    return orthanc_server


def _automatic(
    name: str, patient: Patient, pacs: Orthanc, called_ae: str | None = None
) -> PacsDestination:
    return add_pacs_destination(
        name=name,
        facility_code=patient.facility.code,
        host=pacs.host,
        port=pacs.dicom_port,
        called_ae=called_ae or pacs.called_ae,
        calling_ae=pacs.calling_ae,
        auto=True,
    )


def _photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        data=baseline_jpeg(),
        body_site="Left forearm",
        body_site_code=FOREARM[0],
        laterality="left",
    )


def _settled(sends: "list[PacsSend]") -> bool:
    return all(
        PacsSend.objects.get(pk=s.pk).status in ("sent", "failed") for s in sends
    )


def test_automatic_sends_reach_the_pacs_once_per_image_and_destination(
    stack: Stack, nurse: User, patient: Patient, pacs: Orthanc, nurse_api: object
) -> None:
    destinations = [_automatic(n, patient, pacs) for n in ("radiology", "vna")]
    stack.start_worker()

    photos = [_photo(nurse, patient) for _ in range(2)]

    sends = list(PacsSend.objects.filter(image__in=photos))
    assert len(sends) == len(photos) * len(destinations)
    wait_for(lambda: _settled(sends), "the worker to send every photo")
    # A task delivered twice (a redelivery after a lost acknowledgement) sends nothing.
    for send in sends:
        celery_app.send_task(SEND_TASK, args=[send.pk])
    wait_for(stack.idle, "the duplicate deliveries to be consumed")

    for send in sends:
        send.refresh_from_db()
        assert (send.status, send.attempts, send.last_error) == ("sent", 1, "")
    # Each image is one instance at the PACS (the destinations share one Orthanc here),
    # under the patient's MRN, its frame the original's bytes.
    instances = pacs.instances()
    assert len(instances) == len(photos)
    held = {pacs.tags(i)["SOPInstanceUID"]: i for i in instances}
    for photo in photos:
        uids = {s.sop_instance_uid for s in sends if s.image_id == photo.pk}
        assert len(uids) == 1
        instance = held[uids.pop()]
        tags = pacs.tags(instance)
        assert (tags["PatientID"], tags["Modality"]) == (patient.mrn, "XC")
        assert hashlib.sha256(pacs.frame(instance)).hexdigest() == photo.sha256
    # One disclosure on the trail per image and destination: no more, no fewer.
    disclosed = AuditEvent.objects.filter(action="pacs_sent")
    assert sorted(e.detail["send"] for e in disclosed) == sorted(
        str(s.public_id) for s in sends
    )
    answer = nurse_api.get(f"/api/pacs-sends/{sends[0].public_id}/")  # type: ignore[attr-defined]
    assert answer.status_code == 200
    assert answer.json()["status"] == "sent"


def _retries_logged(log_dir: Path) -> list[float]:
    """The delays the worker chose before each retry, as it logged them."""
    text = "".join(p.read_text() for p in sorted(log_dir.glob("worker-*.log")))
    return [float(s) for s in re.findall(r"Retry \d+ of \d+ in ([0-9.]+) s", text)]


def test_a_refused_association_is_retried_with_backoff_then_fails_visibly(
    stack: Stack,
    nurse: User,
    patient: Patient,
    pacs: Orthanc,
    nurse_api: object,
    client: Client,
) -> None:
    destination = _automatic("radiology", patient, pacs, called_ae="NOT_THE_PACS")
    stack.extra_env = {
        "TEST_PACS_RETRY_SECONDS": str(RETRY_SECONDS),
        "TEST_PACS_MAX_RETRIES": str(MAX_RETRIES),
    }
    stack.start_worker()
    started = time.monotonic()

    photo = _photo(nurse, patient)

    send = PacsSend.objects.get(image=photo, destination=destination)
    wait_for(lambda: _settled([send]), "the retries to run out")
    took = time.monotonic() - started
    send.refresh_from_db()
    assert send.status == "failed"
    assert send.attempts == 1 + MAX_RETRIES
    assert ASSOCIATION_REFUSED.search(send.last_error)
    # Each delay doubles; none is shorter than half its step (1 s, then 2 s).
    delays = _retries_logged(stack.data_dir)
    assert len(delays) == MAX_RETRIES
    for number, delay in enumerate(delays):
        step = RETRY_SECONDS * 2**number
        assert step / 2 <= delay <= step
    assert took >= sum(RETRY_SECONDS * 2**n / 2 for n in range(MAX_RETRIES))
    # Nothing reached the PACS and nothing was disclosed; the failure is there to see.
    assert pacs.instances() == []
    assert not AuditEvent.objects.filter(action="pacs_sent").exists()
    answer = nurse_api.get(f"/api/pacs-sends/{send.public_id}/")  # type: ignore[attr-defined]
    assert answer.json()["status"] == "failed"
    assert answer.json()["attempts"] == 1 + MAX_RETRIES
    assert ASSOCIATION_REFUSED.search(answer.json()["last_error"])
    client.force_login(nurse)
    page = client.get(f"/images/{photo.public_id}/").content.decode()
    assert "Sent to PACS" in page
    assert "Failed" in page
    assert "refused the association" in page or "aborted" in page
