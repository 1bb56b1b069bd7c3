from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import (
            receivers,  # noqa: F401  (connects the sign-in receiver)
            schema,  # noqa: F401  (describes the token to the schema)
        )
        from accounts.checks import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.security)
        from accounts.oidc_accounts import check_provider_settings

        checks.register(check_provider_settings, checks.Tags.security)
