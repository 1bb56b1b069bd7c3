"""What Custodian runs on: database(s), object storage, cache and Celery."""

from pathlib import Path
from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.settings.environment import DATA_DIR, env


def _tuned(db: dict[str, Any], test_name: str) -> dict[str, Any]:
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE: take the write lock at BEGIN, so two writers queue instead of one
        # failing with "database is locked" when it upgrades a read lock.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Tests use a file too: an in-memory shared-cache database answers a concurrent
        # writer "table is locked" at once instead of waiting, unlike the embedded mode.
        db["TEST"] = {"NAME": str(DATA_DIR / test_name)}
    else:
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        db["CONN_HEALTH_CHECKS"] = True
    return db


# Database: SQLite in the data directory unless DATABASE_URL says otherwise.
DATABASES = {
    "default": _tuned(
        env.db_url(
            "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'custodian.sqlite3'}"
        ),
        "test-custodian.sqlite3",
    )
}
# The data keys in a database of their own, with short backup retention, so that a
# disposed image's key does not outlive it in long-kept backups (docs/deployment.md §6).
if env.str("CUSTODIAN_KEYS_DATABASE_URL", default=""):
    DATABASES["keys"] = _tuned(
        env.db_url("CUSTODIAN_KEYS_DATABASE_URL"), "test-custodian-keys.sqlite3"
    )
    DATABASE_ROUTERS = ["vault.routers.KeyStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every disposal register entry is appended here as it is written, so that a restore of
# the database cannot take it back: put it on storage that is not restored with the
# database (docs/deployment.md §6; manage.py reapply_disposals reads it after a restore).
CUSTODIAN_REGISTER_EXPORT_DIR = Path(
    env.str("CUSTODIAN_REGISTER_EXPORT_DIR", default=str(DATA_DIR / "register"))
)

# Storage: local files under the data directory, or private S3-compatible object storage.
# There is deliberately no MEDIA_URL route: stored objects are only served by audited views.
MEDIA_ROOT = DATA_DIR / "media"
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "filesystem":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif STORAGE_BACKEND == "s3":
    _s3_options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        # "path" for S3-compatible stores (MinIO, Ceph) without per-bucket host names.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
        "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",
        # S3 silently overwrites by default; a health record must never be replaced.
        "file_overwrite": False,
        "object_parameters": {
            k: v
            for k, v in {
                "ServerSideEncryption": env.str("AWS_S3_SSE", default="AES256"),
                "SSEKMSKeyId": env.str("AWS_S3_SSE_KMS_KEY_ID", default=None),
            }.items()
            if v
        },
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options,
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _default_storage,
    # Hashed, compressed names need `collectstatic` first (deployments and run-stack
    # set CUSTODIAN_STATIC_MANIFEST=true); without it pages would fail to render.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("CUSTODIAN_STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Cache: local memory in the embedded mode, Redis when given one.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://custodian")}
# Asked by a system check (accounts.checks): several web servers need one shared cache.
CACHE_URL_SET = "CACHE_URL" in env

# Celery: inline when no broker is configured; real workers otherwise.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# acks_late alone loses a task whose worker child dies; reject it back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "retention-sweep-daily": {
        "task": "retention.tasks.sweep_retention",
        "schedule": crontab(hour=1, minute=30),
    },
    "disposal-carry-out-hourly": {
        "task": "retention.tasks.carry_out_due_disposals",
        "schedule": crontab(minute=45),
    },
    "audit-checkpoint-daily": {
        "task": "audit.tasks.record_audit_checkpoint",
        "schedule": crontab(hour=0, minute=15),
    },
    # Re-queues hard copies a lost task left behind (paper records must get every print).
    "hard-copy-sweep": {
        "task": "hardcopy.tasks.sweep_hard_copies",
        "schedule": crontab(minute="*/10"),
    },
    # Queues derivatives an image lacks (the store failed just after it was stored).
    "derivative-sweep": {
        "task": "imaging.tasks.sweep_derivatives",
        "schedule": crontab(minute="*/10"),
    },
    "delete-expired-exports-hourly": {
        "task": "legal.tasks.delete_expired_exports",
        "schedule": crontab(minute=40),
    },
    # The ADT journal holds personal information: kept CUSTODIAN_HL7_JOURNAL_DAYS only.
    "feed-journal-purge-daily": {
        "task": "interop.feed.tasks.purge_feed_journal",
        "schedule": crontab(hour=2, minute=10),
    },
}
