"""The how-to pages the app shows, rendered from the user guide so there is one text."""

from functools import cache

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

DELETE_FROM_PHONE = settings.BASE_DIR / "docs" / "guide" / "delete-from-phone.md"


@cache
def delete_from_phone_html() -> SafeString:
    """docs/guide/delete-from-phone.md as HTML (the receipt links to it)."""
    # Raw HTML in the Markdown is escaped, not passed through: only Markdown is trusted.
    renderer = MarkdownIt("commonmark", {"html": False})
    html: str = renderer.render(DELETE_FROM_PHONE.read_text(encoding="utf-8"))
    return mark_safe(html)  # noqa: S308
