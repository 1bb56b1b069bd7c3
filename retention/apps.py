from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention and disposal"

    def ready(self) -> None:
        from retention import extensions, tasks  # noqa: F401  (tasks: enqueued by name)

        extensions.register()
