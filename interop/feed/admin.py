"""The feed's sources in the admin (DESIGN §9: the mapping is changeable per source).

Registered from `interop.feed.extensions.register()` so the pacs and fhir parts keep
their own admin modules. The journal is not here: it holds personal information and is
read at /feed/ by records managers and administrators.
"""

from django.contrib import admin

from interop.models.feed import FeedSource


class FeedSourceAdmin(admin.ModelAdmin[FeedSource]):
    list_display = [
        "sending_facility",
        "sending_application",
        "facility",
        "mrn_authority",
        "ihi_authority",
        "is_active",
    ]
    list_filter = ["is_active", "facility"]
    search_fields = ["sending_facility", "sending_application"]


def register() -> None:
    if not admin.site.is_registered(FeedSource):
        admin.site.register(FeedSource, FeedSourceAdmin)
