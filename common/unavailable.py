"""Failures of a dependency, not of the request: answered 503 with Retry-After, never 500.

The database (or the key store) refusing or dropping connections, the object store
unreachable or answering 5xx, the task broker gone: the request did nothing lasting (its
transaction rolled back, a blob written for it removed) and the same request, sent again
later with the same Idempotency-Key, can succeed. A client must be told to retry.
"""

from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (
    "A service Custodian depends on is unavailable just now. Nothing was changed; "
    "try again shortly."
)


def _store_failure(exc: BaseException) -> bool:
    try:
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as StoreUnreachable
    except ImportError:  # embedded mode without boto3 installed
        return False
    if isinstance(exc, StoreUnreachable | HTTPClientError):  # refused, reset, timeout
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status) >= 500
    return False


def _broker_failure(exc: BaseException) -> bool:
    from kombu.exceptions import OperationalError as BrokerError

    return isinstance(exc, BrokerError)


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether exc (or what it was raised from) is a dependency being down."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if _store_failure(exc) or _broker_failure(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
