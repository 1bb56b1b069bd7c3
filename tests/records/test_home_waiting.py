"""Each role's home page says what is waiting for them, and links to where to do it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from imaging.models import ClinicalImage
from imaging.safety.moves import request_move
from records.breakglass import request_break_glass
from records.models import Patient, Ward
from retention.models import DisposalBatch
from tests.factories import EncounterFactory, PatientFactory, staff_on

pytestmark = pytest.mark.django_db


def _home(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_waiting_shows_no_panel(nurse: User) -> None:
    assert "Waiting for you" not in _home(nurse)


def test_a_colleague_finds_the_move_to_decide_on_their_home_page(
    nurse: User, ward: Ward, wound_photo: ClinicalImage
) -> None:
    right = PatientFactory(facility=ward.facility)
    EncounterFactory(patient=right, ward=ward)
    request_move(actor=nurse, image=wound_photo, to_patient=right, reason="Wrong bed")
    colleague = staff_on(ward, username="colleague")
    page = _home(colleague)
    assert "Waiting for you" in page
    assert (
        f'<a href="{reverse("safety:move-queue")}"><strong>1</strong> image on the '
        "wrong patient awaits a second person&#x27;s decision</a>"
    ) in page
    # The one who asked is not the one to decide.
    assert "Waiting for you" not in _home(nurse)


def test_the_privacy_officer_sees_accesses_to_review(
    outsider: User, patient: Patient, privacy_officer: User
) -> None:
    for reason in ("Consult", "Second opinion"):
        request_break_glass(
            actor=outsider,
            patient=patient,
            reason_code="consult",
            reason_text=reason,
        )
    page = _home(privacy_officer)
    assert (
        f'<a href="{reverse("records:break-glass-queue")}"><strong>2</strong> '
        "break-the-glass accesses to review</a>"
    ) in page


def test_records_managers_see_batches_awaiting_approval(
    records_manager: User,
) -> None:
    DisposalBatch.objects.create(due_on="2026-01-01")
    page = _home(records_manager)
    assert "<strong>1</strong> disposal batch awaits approval" in page
