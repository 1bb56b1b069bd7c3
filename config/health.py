"""Liveness and readiness probes for load balancers and orchestrators."""

from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_storage() -> None:
    default_storage.exists("readyz-probe")


def _check_broker() -> None:
    from config.celery import app

    if app.conf.task_always_eager:
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database, the task broker and the object storage are all reachable."""
    checks = {
        "database": _check_database,
        "broker": _check_broker,
        "storage": _check_storage,
    }
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"unavailable: {type(exc).__name__}"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **results},
        status=200 if ready else 503,
    )
