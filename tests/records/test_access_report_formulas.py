"""An access report's CSV shows what a browser sent as text, never as a formula."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from records.models import Patient
from tests.records.browsing import signed_in

pytestmark = pytest.mark.django_db


def test_a_user_agent_starting_a_formula_is_quoted_in_the_report(
    nurse: User, privacy_officer: User, patient: Patient
) -> None:
    agent = "@SUM(1+1)*cmd|' /C calc'!A0"
    viewer = Client(HTTP_USER_AGENT=agent)
    viewer.force_login(nurse)
    assert viewer.get(f"/patients/{patient.public_id}/").status_code == 200
    response = signed_in(privacy_officer).get(
        f"/audit/patients/{patient.public_id}/access.csv"
    )
    text = b"".join(response.streaming_content).decode()
    browsers = [row["Browser"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + agent in browsers
