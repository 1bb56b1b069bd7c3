"""Domain failures of legal work; views and the API turn them into clear 4xx answers."""

from imaging.exceptions import ImagingError


class EmptyScope(ImagingError):
    status_code = 400


class DisposedInScope(ImagingError):
    """An image chosen by hand was disposed of already: it can be neither held nor sent."""

    status_code = 409


class ExportNotReady(ImagingError):
    status_code = 409


class ExportExpired(ImagingError):
    status_code = 410
