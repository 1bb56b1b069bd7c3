"""Images sent to a real PACS (Orthanc) through the service and its Celery task."""

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination, PacsSend
from interop.pacs import services
from interop.pacs.exceptions import PacsSendNotFound
from interop.pacs.tasks import MAX_RETRIES
from tests.factories import capture
from tests.interop.pacs_fixtures import ASSOCIATION_REFUSED, only_instance
from tests.interop.photos import FOREARM, baseline_jpeg
from tests.orthanc import Orthanc, free_ports

pytestmark = pytest.mark.django_db
VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4"


def _send(
    actor: User, image: ClinicalImage, to: PacsDestination, on_commit: Any
) -> PacsSend:
    with on_commit(execute=True):
        send = services.send_image_to_pacs(actor=actor, image=image, destination=to)
    send.refresh_from_db()
    return send


def test_a_sent_photo_is_at_the_pacs_under_the_mrn_with_its_original_bytes(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    jpeg_original: bytes,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    send = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    assert (send.status, send.attempts, send.last_error) == ("sent", 1, "")
    tags = only_instance(pacs)
    assert tags["SOPInstanceUID"] == send.sop_instance_uid
    patient = forearm_photo.patient
    assert (tags["PatientID"], tags["IssuerOfPatientID"]) == (
        patient.mrn,
        patient.facility.code,
    )
    assert (tags["Modality"], tags["SOPClassUID"]) == ("XC", VL_PHOTOGRAPHIC)
    assert tags["AnatomicRegionSequence"][0]["CodeValue"] == FOREARM[0]
    frame = pacs.frame(tags["id"])
    assert hashlib.sha256(frame).hexdigest() == forearm_photo.sha256
    assert hashlib.sha256(jpeg_original).hexdigest() == forearm_photo.sha256


def test_the_send_is_audited_as_a_request_and_as_a_disclosure(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    send = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    events = AuditEvent.objects.filter(
        action__in=["pacs_send_requested", "pacs_sent"]
    ).order_by("sequence")
    assert [(e.action, e.actor) for e in events] == [
        ("pacs_send_requested", nurse),
        ("pacs_sent", None),
    ]
    assert events[1].patient_public_id == forearm_photo.patient.public_id
    assert events[1].detail["sop_instance_uid"] == send.sop_instance_uid


def test_a_resend_replaces_the_instance_and_keeps_one_send(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    again = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    assert again.status == "sent"
    assert PacsSend.objects.count() == 1
    assert only_instance(pacs)["SOPInstanceUID"] == first.sop_instance_uid


def test_without_a_worker_a_wrong_called_ae_fails_at_once_with_the_reason(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.called_ae = "NOT_THE_PACS"
    destination.save()
    send = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    assert send.status == "failed"
    assert send.attempts == 1  # inline: one attempt (a worker retries: tests/workers)
    assert ASSOCIATION_REFUSED.search(send.last_error)
    assert send.sop_instance_uid == ""
    assert pacs.instances() == []
    assert not AuditEvent.objects.filter(action="pacs_sent").exists()


@pytest.fixture
def retries_inline() -> Iterator[None]:
    """Inline tasks retry at once (no backoff) when they do not propagate errors."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.mark.usefixtures("retries_inline")
def test_an_unreachable_pacs_is_retried_then_marked_failed(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.port = free_ports(1)[0]
    destination.save()
    send = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    assert send.status == "failed"
    assert send.attempts == MAX_RETRIES + 1
    assert send.last_error.startswith("No connection to")


def test_without_a_worker_an_unreachable_pacs_fails_at_once_and_visibly(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.port = free_ports(1)[0]
    destination.save()
    send = _send(nurse, forearm_photo, destination, django_capture_on_commit_callbacks)
    assert (send.status, send.attempts) == ("failed", 1)
    assert send.last_error.startswith("No connection to")


def test_one_study_per_encounter_and_per_capture_day_without_one(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    patient = forearm_photo.patient
    same_day = capture(actor=nurse, patient=patient, data=baseline_jpeg())
    in_encounter = capture(
        actor=nurse,
        patient=patient,
        data=baseline_jpeg(),
        encounter=patient.encounters.get(),
    )
    sends = [
        _send(nurse, image, destination, django_capture_on_commit_callbacks)
        for image in (forearm_photo, same_day, in_encounter)
    ]
    assert forearm_photo.encounter is None
    assert [s.status for s in sends] == ["sent"] * 3
    assert sends[0].study_instance_uid == sends[1].study_instance_uid
    assert sends[2].study_instance_uid != sends[0].study_instance_uid
    assert len(pacs.json("/studies")) == 2
    assert len(pacs.instances()) == 3


def test_an_outsider_cannot_send_and_leaves_no_trace(
    outsider: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    events_before = AuditEvent.objects.count()
    with (
        pytest.raises(PacsSendNotFound),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.send_image_to_pacs(
            actor=outsider, image=forearm_photo, destination=destination
        )
    assert not PacsSend.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert pacs.instances() == []
