"""The data keys' own database (docs/deployment.md §6), used when one is configured.

Destroying an image's `vault.DataKey` row is what crypto-shreds it, so the table may
live in a database whose backups are kept only briefly: CUSTODIAN_KEYS_DATABASE_URL adds
DATABASES["keys"] and this router. Without that variable neither exists and everything
stays in "default".
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.db.models import Model

KEYS = "keys"
# The table was created under imaging's label, and old migrations still name it so.
KEY_MODELS = frozenset({"vault.datakey", "imaging.datakey"})


def _is_key(model: type[Model] | Model) -> bool:
    return model._meta.label_lower in KEY_MODELS


class KeyStoreRouter:
    """Every read, write and migration of DataKey goes to "keys"; nothing else does."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return KEYS if _is_key(model) else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return KEYS if _is_key(model) else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # No foreign key may cross the two stores: a join could never be answered.
        return False if _is_key(obj1) != _is_key(obj2) else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        # Data migrations (model_name None) run only where their app's tables are.
        is_key = f"{app_label}.{model_name}" in KEY_MODELS
        return is_key if db == KEYS else not is_key


def _address(alias: str) -> tuple[str, str, str, str]:
    db = settings.DATABASES[alias]
    return (
        str(db.get("ENGINE", "")),
        str(db.get("HOST", "") or ""),
        str(db.get("PORT", "") or ""),
        str(db.get("NAME", "")),
    )


def check_keys_database(**kwargs: Any) -> list[CheckMessage]:
    """The key store, when configured, must not be the main database under another name."""
    if KEYS not in settings.DATABASES or _address(KEYS) != _address("default"):
        return []
    return [
        Error(
            "CUSTODIAN_KEYS_DATABASE_URL names the same database as DATABASE_URL.",
            hint="Give the data keys a database of their own, with short backup "
            "retention (docs/deployment.md §6), or leave the variable unset.",
            id="custodian.E001",
        )
    ]
