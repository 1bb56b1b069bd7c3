"""Administrators manage facilities, wards and who works where."""

from django.contrib import admin

from records.models import (
    Encounter,
    Facility,
    FacilityAssignment,
    Patient,
    StaffMembership,
    Ward,
)


class WardInline(admin.TabularInline[Ward, Facility]):
    model = Ward
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin[Facility]):
    list_display = [
        "code",
        "name",
        "jurisdiction",
        "sector",
        "electronic_record",
        "time_zone",
    ]
    list_filter = ["jurisdiction", "sector", "electronic_record"]
    search_fields = ["code", "name"]
    inlines = [WardInline]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin[Ward]):
    list_display = ["code", "name", "facility"]
    list_filter = ["facility"]
    search_fields = ["code", "name"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin[StaffMembership]):
    list_display = ["user", "ward"]
    list_filter = ["ward__facility", "ward"]
    search_fields = ["user__username", "ward__name"]
    autocomplete_fields = ["ward"]


@admin.register(FacilityAssignment)
class FacilityAssignmentAdmin(admin.ModelAdmin[FacilityAssignment]):
    list_display = ["user", "facility"]
    list_filter = ["facility"]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin[Patient]):
    """Demographics come from the hospital's patient administration system; read here."""

    list_display = ["mrn", "family_name", "given_names", "date_of_birth", "facility"]
    list_filter = ["facility"]
    search_fields = ["mrn", "family_name"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Encounter)
class EncounterAdmin(admin.ModelAdmin[Encounter]):
    list_display = ["patient", "ward", "started_at", "ended_at"]
    list_filter = ["ward__facility", "ward"]
    raw_id_fields = ["patient"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
