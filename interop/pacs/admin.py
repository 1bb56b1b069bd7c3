"""PACS destinations (data, edited here) and, read-only, sends and withdrawals."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from interop.models.pacs import PacsDestination, PacsSend, PacsWithdrawal


@admin.register(PacsDestination)
class PacsDestinationAdmin(admin.ModelAdmin[PacsDestination]):
    list_display = (
        "name",
        "facility",
        "host",
        "port",
        "called_ae",
        "calling_ae",
        "auto",
    )
    list_filter = ("facility", "auto")
    search_fields = ("name", "host", "called_ae")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Written only by the services: the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PacsSend)
class PacsSendAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "destination", "status", "attempts", "sent_at")
    list_filter = ("status", "destination")
    search_fields = ("public_id", "sop_instance_uid", "sent_patient_id")


@admin.register(PacsWithdrawal)
class PacsWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("noted_at", "reason", "patient_id", "issuer", "sop_instance_uid")
    list_filter = ("reason",)
    search_fields = ("patient_id", "sop_instance_uid")
