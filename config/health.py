"""Liveness and readiness probes for load balancers and orchestrators.

/healthz says only that the process answers (restart it if not); /readyz says whether it
can do its work: the database, the task broker and the object storage all reachable.
A load balancer takes a web server that answers 503 out of rotation until it recovers.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
INLINE = "inline"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": OK})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _check_keys_database() -> str:
    # Without its data keys no image can be stored or read (docs/deployment.md §6).
    with connections["keys"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _check_storage() -> str:
    if hasattr(default_storage, "bucket_name"):
        # A missing or misnamed bucket answers 404 to every object, which exists() reads
        # as "no such file": ask for the bucket itself.
        s3: Any = default_storage
        s3.connection.meta.client.head_bucket(Bucket=s3.bucket_name)
    else:
        default_storage.exists("readyz-probe")
    return OK


def _check_broker() -> str:
    from config.celery import app

    if app.conf.task_always_eager:
        # The embedded mode has no broker: tasks run inside the request.
        return INLINE
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": _check_database,
    "broker": _check_broker,
    "storage": _check_storage,
}
if "keys" in settings.DATABASES:
    CHECKS["keys_database"] = _check_keys_database


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database, the task broker and the object storage are all reachable."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            # The reason goes to the log only: the probe is unauthenticated.
            logger.warning("readyz: %s unavailable", name, exc_info=True)
            results[name] = f"unavailable: {type(exc).__name__}"
    ready = all(value in (OK, INLINE) for value in results.values())
    return JsonResponse(
        {"status": OK if ready else "unavailable", **results},
        status=200 if ready else 503,
    )
