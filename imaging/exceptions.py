"""Domain failures of the imaging services; views turn them into clear 4xx answers."""

from typing import Any

from common.errors import DomainError


class ImagingError(DomainError):
    """Base of imaging's failures (and, for now, of the apps built on imaging)."""


class InvalidField(ImagingError):
    status_code = 400


class UnsupportedImage(ImagingError):
    status_code = 415


class UploadTooLarge(ImagingError):
    status_code = 413


class DuplicateImage(ImagingError):
    """The same bytes are already in this patient's record."""

    status_code = 409

    def __init__(self, message: str, *, existing_public_id: str) -> None:
        super().__init__(message, field="file")
        self.existing_public_id = existing_public_id

    def extra(self) -> dict[str, Any]:
        return {"existing_id": self.existing_public_id}


class PatientNotFound(ImagingError):
    """No such patient, or not one the user may see: the answer is the same (404)."""

    status_code = 404


class IdempotencyKeyReused(ImagingError):
    """The key already stands for a different upload (another patient or other bytes)."""

    status_code = 422
