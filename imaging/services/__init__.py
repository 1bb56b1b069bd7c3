"""Every change to imaging data goes through these services."""

from imaging.services.capture import CaptureDetails, CaptureResult, capture_image
from imaging.services.derivatives import make_derivatives

__all__ = ["CaptureDetails", "CaptureResult", "capture_image", "make_derivatives"]
