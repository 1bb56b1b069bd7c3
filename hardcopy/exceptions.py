"""Hard-copy failures that views and the API turn into clear 4xx answers."""

from imaging.exceptions import ImagingError


class HardCopyNotFound(ImagingError):
    """No such hard copy, image or patient, or not one the user may see (404)."""

    status_code = 404


class HardCopyNotReady(ImagingError):
    """The PDF is not rendered yet, or has been withdrawn (409)."""

    status_code = 409


class HardCopyNotAllowed(ImagingError):
    """The user may see the images but their role does not print (403)."""

    status_code = 403
