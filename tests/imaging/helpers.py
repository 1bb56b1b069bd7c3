"""Shared steps for the imaging API tests: post a photo, list what is stored."""

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from records.models import Patient


def upload_url(patient: Patient) -> str:
    return f"/api/patients/{patient.public_id}/images/"


def post_photo(
    client: APIClient,
    patient: Patient,
    data: bytes,
    *,
    name: str = "photo.jpg",
    key: str = "",
    **fields: Any,
) -> Response:
    form: dict[str, Any] = {
        "captured_at": timezone.now().isoformat(),
        "capture_mode": "personal_mobile",
        "consent_kind": "verbal",
        "consent_purposes": "care",
        **fields,
    }
    if data is not None:
        form["file"] = SimpleUploadedFile(name, data, content_type="image/jpeg")
    headers = {"Idempotency-Key": key} if key else {}
    response: Response = client.post(
        upload_url(patient), form, format="multipart", headers=headers
    )
    return response


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
