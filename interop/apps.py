from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Hospital integration (ADT feed, FHIR, DICOM)"

    def ready(self) -> None:
        from interop import tasks  # noqa: F401  (tasks: enqueued by name)
        from interop.feed import extensions as feed
        from interop.fhir import extensions as fhir
        from interop.pacs import extensions as pacs

        for part in (feed, fhir, pacs):
            part.register()
