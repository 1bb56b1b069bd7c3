"""Images are read-only in the admin: every change to a record goes through a service."""

from django.contrib import admin
from django.http import HttpRequest

from imaging.models import ClinicalImage


@admin.register(ClinicalImage)
class ClinicalImageAdmin(admin.ModelAdmin[ClinicalImage]):
    list_display = [
        "public_id",
        "patient",
        "captured_at",
        "capture_mode",
        "status",
        "retain_until",
    ]
    list_filter = ["status", "capture_mode", "upload_channel"]
    search_fields = ["public_id", "patient__mrn", "sha256"]
    readonly_fields = [f.name for f in ClinicalImage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Destruction happens only through the retention schedule.
        return False
