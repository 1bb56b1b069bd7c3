"""Hard-copy failures that views and the API turn into clear 4xx answers."""

from common.errors import DomainError


class HardCopyNotFound(DomainError):
    """No such hard copy, image or patient, or not one the user may see (404)."""

    status_code = 404


class HardCopyNotReady(DomainError):
    """The PDF is not rendered yet, or has been withdrawn (409)."""

    status_code = 409


class HardCopyNotAllowed(DomainError):
    """The user may see the images but their role does not print (403)."""

    status_code = 403
