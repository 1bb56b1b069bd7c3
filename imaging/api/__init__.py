"""The REST API for patients and their images (DESIGN.md §6); thin over the services."""
