"""What can go wrong turning a photo into DICOM and handing it to a PACS."""


class UnsupportedImage(ValueError):
    """The original cannot become a VL Photographic Image without inventing pixels."""


class PacsError(Exception):
    """A send that did not end with the PACS holding the instance.

    `transient` tells a retrying task whether trying again later can help: a busy or
    unreachable PACS can recover, and a refused association can be fixed (the AE titles
    corrected on either side); an object the PACS rejects will not change.
    """

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class AssociationRefused(PacsError):
    """The PACS answered the association request with A-ASSOCIATE-RJ."""


class SendFailed(PacsError):
    """No connection, an aborted association, or a C-STORE status other than success."""

    def __init__(
        self, reason: str, *, transient: bool, status: int | None = None
    ) -> None:
        super().__init__(reason, transient=transient)
        self.status = status
