from django.apps import AppConfig


class HardcopyConfig(AppConfig):
    name = "hardcopy"
    verbose_name = "Hard copies for paper records"

    def ready(self) -> None:
        from hardcopy import extensions, tasks  # noqa: F401  (tasks: enqueued by name)

        extensions.register()
