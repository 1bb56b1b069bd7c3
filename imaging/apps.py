from django.apps import AppConfig
from django.core import checks


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "Clinical imaging"

    def ready(self) -> None:
        from config.routers import check_keys_database

        checks.register(check_keys_database, checks.Tags.security)
