"""Administrators manage facilities, wards and who works where.

Who works where opens patients' records: memberships and assignments are granted and
removed through records.staffing (audited), never edited in place, and never self-given.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.grants import SELF_GRANT_REFUSED
from records.models import (
    Encounter,
    Facility,
    FacilityAssignment,
    Patient,
    StaffMembership,
    Ward,
)
from records.staffing import (
    assign_facility,
    grant_membership,
    revoke_membership,
    unassign_facility,
)

M = TypeVar("M", StaffMembership, FacilityAssignment)


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the admin requires sign-in
    return request.user


class _NotForOneself(forms.ModelForm):  # type: ignore[type-arg]
    actor: User

    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        if user.pk == self.actor.pk:
            raise forms.ValidationError(SELF_GRANT_REFUSED)
        return user


class _GrantAdmin(admin.ModelAdmin[M]):
    """Adds and removes through audited services; a grant is never edited in place."""

    place: str  # the field naming where the user works: "ward" or "facility"
    grant: Callable[..., M]
    revoke: Callable[..., None]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (_NotForOneself, form), {"actor": _actor(request)})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user", self.place] if obj else []

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        if change:
            return
        made = self.grant(
            actor=_actor(request),
            user=obj.user,
            **{self.place: getattr(obj, self.place)},
        )
        obj.pk = made.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        self.revoke(_actor(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


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


def _revoke_membership(actor: User, membership: StaffMembership) -> None:
    revoke_membership(actor=actor, membership=membership)


def _unassign_facility(actor: User, assignment: FacilityAssignment) -> None:
    unassign_facility(actor=actor, assignment=assignment)


@admin.register(StaffMembership)
class StaffMembershipAdmin(_GrantAdmin[StaffMembership]):
    place = "ward"
    grant = staticmethod(grant_membership)
    revoke = staticmethod(_revoke_membership)
    list_display = ["user", "ward"]
    list_filter = ["ward__facility", "ward"]
    search_fields = ["user__username", "ward__name"]
    autocomplete_fields = ["ward"]


@admin.register(FacilityAssignment)
class FacilityAssignmentAdmin(_GrantAdmin[FacilityAssignment]):
    place = "facility"
    grant = staticmethod(assign_facility)
    revoke = staticmethod(_unassign_facility)
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
