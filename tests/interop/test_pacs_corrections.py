"""New images sent automatically; moved images resent; disposed ones listed for the PACS."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from imaging import hooks
from imaging.models import ClinicalImage
from imaging.safety.moves import approve_move, request_move
from interop import dicom
from interop.models.pacs import PacsDestination, PacsSend, PacsWithdrawal
from interop.pacs import delivery, services
from records.models import Patient, Ward
from tests.factories import EncounterFactory, PatientFactory, capture, staff_on
from tests.interop.pacs_fixtures import only_instance
from tests.interop.photos import baseline_jpeg
from tests.orthanc import Orthanc

pytestmark = pytest.mark.django_db


def test_an_automatic_destination_gets_every_new_image(
    nurse: User,
    patient: Patient,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.auto = True
    destination.save()
    with django_capture_on_commit_callbacks(execute=True):
        image = capture(actor=nurse, patient=patient, data=baseline_jpeg())
    send = PacsSend.objects.get(image=image)
    assert (send.status, send.requested_by) == ("sent", None)
    assert only_instance(pacs)["SOPInstanceUID"] == send.sop_instance_uid


def test_a_destination_without_auto_gets_nothing_by_itself(
    nurse: User,
    patient: Patient,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        capture(actor=nurse, patient=patient, data=baseline_jpeg())
    assert not PacsSend.objects.exists()
    assert pacs.instances() == []


def test_a_moved_image_is_resent_under_the_right_patient_and_the_old_one_listed(
    nurse: User,
    ward: Ward,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wrong = forearm_photo.patient
    with django_capture_on_commit_callbacks(execute=True):
        services.send_image_to_pacs(
            actor=nurse, image=forearm_photo, destination=destination
        )
    old = PacsSend.objects.get()
    right = PatientFactory(facility=ward.facility, family_name="Right")
    EncounterFactory(patient=right, ward=ward)
    colleague = staff_on(ward, username="colleague")
    move = request_move(
        actor=nurse, image=forearm_photo, to_patient=right, reason="Wrong bed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve_move(actor=colleague, move=move)
    send = PacsSend.objects.get()
    assert send.status == "sent"
    assert send.sent_patient_id == right.mrn
    assert send.sop_instance_uid != old.sop_instance_uid
    withdrawal = PacsWithdrawal.objects.get()
    assert (withdrawal.reason, withdrawal.patient_id) == ("moved", wrong.mrn)
    assert withdrawal.sop_instance_uid == old.sop_instance_uid
    assert withdrawal.study_instance_uid == old.study_instance_uid
    # The PACS holds both until its administrator deletes the listed one.
    assert sorted(pacs.patient_ids()) == sorted([wrong.mrn, right.mrn])


def test_a_disposed_image_leaves_a_withdrawal_for_each_instance_sent(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_image_to_pacs(
            actor=nurse, image=forearm_photo, destination=destination
        )
    send = PacsSend.objects.get()
    # What retention's disposal calls, inside its transaction, for each image destroyed.
    for destroy in hooks.image_disposing:
        destroy(forearm_photo)
    withdrawal = PacsWithdrawal.objects.get()
    assert (withdrawal.reason, withdrawal.sop_instance_uid) == (
        "disposed",
        send.sop_instance_uid,
    )
    assert withdrawal.patient_id == forearm_photo.patient.mrn


def test_an_image_never_sent_leaves_no_withdrawal_when_disposed(
    forearm_photo: ClinicalImage, destination: PacsDestination
) -> None:
    for destroy in hooks.image_disposing:
        destroy(forearm_photo)
    assert not PacsWithdrawal.objects.exists()


def test_a_sensitive_new_image_is_not_sent_automatically(
    nurse: User,
    patient: Patient,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.auto = True
    destination.save()
    with django_capture_on_commit_callbacks(execute=True):
        capture(
            actor=nurse, patient=patient, data=baseline_jpeg(), sensitivity="intimate"
        )
    assert not PacsSend.objects.exists()
    assert pacs.instances() == []


def test_a_move_during_a_send_still_ends_with_the_right_patient_and_a_withdrawal(
    nurse: User,
    ward: Ward,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wrong = forearm_photo.patient
    send = services.queue_send(
        image=forearm_photo, destination=destination, actor=nurse, enqueue_task=False
    )
    # A worker claims the send and reads the image, still on the wrong patient ...
    claimed_at = delivery._claim(send.pk)
    assert claimed_at is not None
    photo = delivery.photo_for_pacs(forearm_photo, wrong)
    right = PatientFactory(facility=ward.facility, family_name="Right")
    EncounterFactory(patient=right, ward=ward)
    move = request_move(
        actor=nurse, image=forearm_photo, to_patient=right, reason="Wrong bed"
    )
    # ... the move is approved meanwhile, and its resend goes under the right one ...
    with django_capture_on_commit_callbacks(execute=True):
        approve_move(actor=staff_on(ward, username="colleague"), move=move)
    # ... and the worker's C-STORE lands under the wrong patient.
    result = dicom.send(
        dicom.build_dataset(photo),
        host=pacs.host,
        port=pacs.dicom_port,
        called_ae=pacs.called_ae,
        calling_ae=pacs.calling_ae,
        timeout=10,
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery._record_sent(send, claimed_at, photo, result.sop_instance_uid)
    send.refresh_from_db()
    assert (send.status, send.sent_patient_id) == ("sent", right.mrn)
    withdrawal = PacsWithdrawal.objects.get()
    assert (withdrawal.patient_id, withdrawal.sop_instance_uid) == (
        wrong.mrn,
        result.sop_instance_uid,
    )
    assert sorted(pacs.patient_ids()) == sorted([wrong.mrn, right.mrn])
