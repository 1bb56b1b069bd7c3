"""What the feed part of interop registers with earlier apps, in InteropConfig.ready()."""


def register() -> None:
    return
