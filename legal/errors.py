"""Domain failures of legal work; views and the API turn them into clear 4xx answers."""

from common.errors import DomainError


class EmptyScope(DomainError):
    status_code = 400


class DisposedInScope(DomainError):
    """An image chosen by hand was disposed of already: it can be neither held nor sent."""

    status_code = 409


class ExportNotReady(DomainError):
    status_code = 409


class ExportExpired(DomainError):
    status_code = 410
