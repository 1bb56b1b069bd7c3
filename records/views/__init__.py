"""Pages about wards, patients and break-the-glass."""

from records.views.home import home

__all__ = ["home"]
