"""Exports need a recent sign-in: a stale session or an old token is sent to confirm."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_tokens import issue_api_token
from accounts.models import ApiToken
from imaging.models import ClinicalImage
from legal.models import ExportBundle
from legal.services import open_matter
from records.models import Patient

pytestmark = pytest.mark.django_db


def _matter(legal_officer: User, patient: Patient) -> str:
    matter = open_matter(
        actor=legal_officer,
        reference="REAUTH-1",
        kind="complaint",
        patients=[patient.public_id],
    )
    return str(matter.public_id)


def test_a_stale_session_is_sent_to_confirm_before_exporting(
    legal_officer: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    matter_id = _matter(legal_officer, patient)
    client = Client()
    client.force_login(legal_officer)
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        response = client.post(f"/legal/matters/{matter_id}/exports/", {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauth/")
    assert not ExportBundle.objects.exists()


def test_an_old_token_cannot_start_an_export(
    legal_officer: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    matter_id = _matter(legal_officer, patient)
    token, key = issue_api_token(user=legal_officer, device="Laptop")
    ApiToken.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(hours=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(f"/api/matters/{matter_id}/exports/", {}, format="json")
    assert response.status_code == 403
    assert not ExportBundle.objects.exists()
