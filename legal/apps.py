from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "legal"
    verbose_name = "Legal matters, holds and exports"

    def ready(self) -> None:
        from legal import extensions, tasks  # noqa: F401  (tasks: enqueued by name)

        extensions.register()
