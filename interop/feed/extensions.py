"""What the feed part of interop registers with earlier apps, in InteropConfig.ready()."""

from interop.feed import admin


def register() -> None:
    admin.register()
