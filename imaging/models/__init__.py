"""Clinical images, their derivatives, and the clinical-safety records about them."""

from imaging.models.images import (
    REFUSE_DELETE,
    SHA256_REGEX,
    ClinicalImage,
    ClinicalImageQuerySet,
    Derivative,
    DerivativeKind,
    ImageCaptureMode,
    ImageChannel,
    ImageConsentKind,
    ImageContentType,
    ImageDeletionRefused,
    ImageLaterality,
    ImageSensitivity,
    ImageStatus,
)
from imaging.models.safety import CaptureHandoff, MoveRequest

__all__ = [
    "REFUSE_DELETE",
    "SHA256_REGEX",
    "CaptureHandoff",
    "ClinicalImage",
    "ClinicalImageQuerySet",
    "Derivative",
    "DerivativeKind",
    "ImageCaptureMode",
    "ImageChannel",
    "ImageConsentKind",
    "ImageContentType",
    "ImageDeletionRefused",
    "ImageLaterality",
    "ImageSensitivity",
    "ImageStatus",
    "MoveRequest",
]
