"""Models of the pacs part of interop (see interop/pacs/)."""

__all__: list[str] = []
