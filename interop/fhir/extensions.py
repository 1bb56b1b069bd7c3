"""What the fhir part of interop registers with earlier apps, in InteropConfig.ready()."""


def register() -> None:
    return
