"""Helpers for the browsing tests: signed-in clients and images with their derivatives."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from imaging.models import ClinicalImage
from imaging.services import make_derivatives
from records.models import Patient
from tests.factories import capture, jpeg_bytes


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(*, actor: User, patient: Patient, n: int = 0, **fields: Any) -> ClinicalImage:
    """An image stored through the ingest service, with the derivatives its task makes."""
    # Sizes differ so that no two photos are the same bytes (duplicates are refused).
    data = fields.pop("data", None) or jpeg_bytes(size=(64 + n, 48))
    image = capture(actor=actor, patient=patient, data=data, **fields)
    # Tests run inside a transaction whose on_commit never fires: make them here.
    make_derivatives(image_id=image.pk)
    return image


def photos(
    *, actor: User, patient: Patient, count: int, **fields: Any
) -> list[ClinicalImage]:
    start = datetime(2026, 1, 10, 9, tzinfo=UTC)
    return [
        photo(
            actor=actor,
            patient=patient,
            n=i,
            captured_at=start + timedelta(hours=i),
            **fields,
        )
        for i in range(count)
    ]
