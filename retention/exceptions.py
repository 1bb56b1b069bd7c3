"""Domain refusals in retention and disposal; views answer them with a 4xx and the message."""

from common.errors import DomainError


class RetentionRefused(DomainError):
    """A retention or disposal act that is not allowed in the current state."""
