from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "Clinical imaging"

    def ready(self) -> None:
        from imaging import extensions, tasks  # noqa: F401  (tasks: enqueued by name)

        extensions.register()
