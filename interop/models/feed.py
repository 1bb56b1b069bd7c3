"""Models of the feed part of interop (see interop/feed/)."""

__all__: list[str] = []
