"""Settings for the workers that tests start: the real settings plus test-only hooks."""

from config.settings import *  # noqa: F403
from config.settings import CELERY_BEAT_SCHEDULE, env

CELERY_INCLUDE = ["tests.workers.hooks"]

# A short visibility timeout, swept every second, so a worker killed outright has its
# unacknowledged task redelivered within the test rather than after an hour.
if visibility := env.int("TEST_VISIBILITY_TIMEOUT", default=0):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if heartbeat_dir := env.str("TEST_HEARTBEAT_DIR", default=""):
    CELERY_BEAT_SCHEDULE = {
        **CELERY_BEAT_SCHEDULE,
        "test-heartbeat": {
            "task": "tests.workers.hooks.heartbeat",
            "schedule": 1.0,
            "args": (heartbeat_dir,),
        },
    }

# The nightly retention sweep, under its own name and task, every few seconds instead: so
# a test sees beat itself start it, and start it again, without waiting for 01:30.
if sweep_seconds := env.float("TEST_RETENTION_SWEEP_SECONDS", default=0):
    CELERY_BEAT_SCHEDULE = {
        **CELERY_BEAT_SCHEDULE,
        "retention-sweep-daily": {
            **CELERY_BEAT_SCHEDULE["retention-sweep-daily"],
            "schedule": sweep_seconds,
        },
    }

# PACS retries a second apart, and two of them, so a test sees the backoff and the final
# failure in seconds rather than the production schedule's hours.
if pacs_retry_seconds := env.float("TEST_PACS_RETRY_SECONDS", default=0):
    CUSTODIAN_PACS_RETRY_SECONDS = pacs_retry_seconds
    CUSTODIAN_PACS_MAX_RETRIES = env.int("TEST_PACS_MAX_RETRIES", default=2)
