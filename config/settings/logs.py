"""Logs: plain lines, or one JSON object a line for a log shipper (config/logging.py)."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.environment import env

LOG_FORMAT = env.str("CUSTODIAN_LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("CUSTODIAN_LOG_FORMAT must be 'plain' or 'json'.")
# Celery replaces the root logger's handlers unless told not to; JSON must reach workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}
