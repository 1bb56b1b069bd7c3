from django.apps import AppConfig
from django.core import checks


class VaultConfig(AppConfig):
    name = "vault"
    verbose_name = "Encrypted storage"

    def ready(self) -> None:
        from vault.routers import check_keys_database

        checks.register(check_keys_database, checks.Tags.security)
