"""The pacs_destination and send_to_pacs commands (backfills), against the real Orthanc."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination, PacsSend
from records.models import Patient
from tests.interop.pacs_fixtures import ASSOCIATION_REFUSED, only_instance
from tests.orthanc import Orthanc

pytestmark = pytest.mark.django_db


def test_a_destination_is_added_and_listed(
    patient: Patient, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "pacs_destination",
        "add",
        "enterprise",
        "--facility",
        patient.facility.code,
        "--host",
        "pacs.example.org",
        "--port",
        "104",
        "--called-ae",
        "VNA",
        "--auto",
    )
    added = PacsDestination.objects.get(name="enterprise")
    assert (added.host, added.port, added.called_ae, added.calling_ae, added.auto) == (
        "pacs.example.org",
        104,
        "VNA",
        "CUSTODIAN",
        True,
    )
    call_command("pacs_destination", "list")
    assert "enterprise\tRHH\tVNA@pacs.example.org:104" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--port", "70000"),
        ("--called-ae", "A_TITLE_FAR_TOO_LONG"),
        ("--facility", "NOPE"),
    ],
)
def test_a_bad_destination_is_refused_and_not_saved(
    patient: Patient, option: str, value: str
) -> None:
    options = {
        "--facility": patient.facility.code,
        "--host": "pacs.example.org",
        "--port": "104",
        "--called-ae": "VNA",
    } | {option: value}
    with pytest.raises(CommandError):
        call_command(
            "pacs_destination", "add", "bad", *[x for kv in options.items() for x in kv]
        )
    assert not PacsDestination.objects.exists()


def test_a_backfill_sends_the_patients_images_and_skips_them_next_time(
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = forearm_photo.patient.mrn
    call_command("send_to_pacs", "--destination", "radiology", "--patient", mrn)
    send = PacsSend.objects.get()
    assert send.status == "sent"
    assert only_instance(pacs)["PatientID"] == mrn
    call_command("send_to_pacs", "--destination", "radiology")
    assert capsys.readouterr().out.endswith("0 images, 0 failed.\n")


def test_a_backfill_exits_non_zero_when_a_send_fails(
    forearm_photo: ClinicalImage, destination: PacsDestination, pacs: Orthanc
) -> None:
    destination.called_ae = "WRONG_AE"
    destination.save()
    with pytest.raises(CommandError, match="1 of 1 sends failed"):
        call_command(
            "send_to_pacs",
            "--destination",
            "radiology",
            "--image",
            str(forearm_photo.public_id),
        )
    send = PacsSend.objects.get()
    assert send.status == "failed"
    assert ASSOCIATION_REFUSED.search(send.last_error)
    assert pacs.instances() == []


def test_a_backfill_to_an_unknown_destination_is_refused(
    forearm_photo: ClinicalImage,
) -> None:
    with pytest.raises(CommandError, match="No PACS destination"):
        call_command("send_to_pacs", "--destination", "nowhere")
    assert not PacsSend.objects.exists()


def test_destinations_sends_and_withdrawals_are_in_the_admin(
    administrator: User, destination: PacsDestination
) -> None:
    client = Client()
    client.force_login(administrator)
    for model in ("pacsdestination", "pacssend", "pacswithdrawal"):
        answer = client.get(f"/admin/interop/{model}/")
        assert answer.status_code == 200, model
    listed = client.get("/admin/interop/pacsdestination/").content.decode()
    assert "radiology" in listed
