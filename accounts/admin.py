"""Administrators manage accounts through the services, so every change is audited.

Roles (groups) and activation go through accounts.grants and accounts.users, which write
their audit events in the admin's own transaction; an administrator may not give
themselves a role that opens patients' records, nor make themselves a superuser.
"""

from typing import Any

import knox.admin  # noqa: F401 - registers knox's own token admin, replaced below
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from knox.models import AuthToken

from accounts.api_tokens import revoke_api_token
from accounts.grants import (
    SELF_GRANT_REFUSED,
    account_created,
    change_privileges,
    change_roles,
    opens_patients,
    reactivate_account,
)
from accounts.lockout import unlock_sign_in
from accounts.models import ApiToken, SealedTOTPDevice
from accounts.permissions import may_manage_users
from accounts.users import disable_account

# Only a superuser may hand out these: each bypasses the roles.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
PRIVILEGE_FLAGS = ("is_staff", "is_superuser")


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the admin requires sign-in
    return request.user


class _ChecksOwnAccount(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses, before anything is written, what an administrator may not do to self."""

    actor: User

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk != self.actor.pk:
            return cleaned
        if "groups" in cleaned:
            before = set(self.instance.groups.values_list("name", flat=True))
            after = {group.name for group in cleaned["groups"]}
            if opens_patients(after - before):
                self.add_error("groups", SELF_GRANT_REFUSED)
        if "is_active" in cleaned and not cleaned["is_active"]:
            self.add_error("is_active", "You cannot disable your own account.")
        return cleaned


class CustodianUserAdmin(UserAdmin[User]):
    actions = ["disable_accounts"]
    # Whether an account is disabled is what an administrator checks first.
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__, (_ChecksOwnAccount, form), {"actor": _actor(request)}
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not _actor(request).is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def save_model(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> None:
        actor = _actor(request)
        if not change:
            super().save_model(request, obj, form, change)
            account_created(actor=actor, user=obj)
            return
        # The services change activation and privileges (and record them); the form
        # saves the rest, so these go back to what they were until the services run.
        for name in ("is_active", *PRIVILEGE_FLAGS):
            if name in form.changed_data:
                setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        if "is_active" not in form.changed_data:
            return
        if form.cleaned_data["is_active"]:
            reactivate_account(actor=actor, user=obj)
        else:
            disable_account(actor=actor, user=obj, reason="Disabled in the admin")

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        # Roles and privileges change through the services, which record what changed.
        groups = form.cleaned_data.pop("groups", None)
        permissions = form.cleaned_data.pop("user_permissions", None)
        super().save_related(request, form, formsets, change)
        actor, user = _actor(request), form.instance
        if groups is not None:
            change_roles(actor=actor, user=user, groups=groups)
        flags = {
            name: form.cleaned_data[name]
            for name in PRIVILEGE_FLAGS
            if name in form.changed_data
        }
        if flags or permissions is not None:
            change_privileges(actor=actor, user=user, permissions=permissions, **flags)

    @admin.action(description="Disable and sign out everywhere", permissions=["change"])
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_active=True):
            try:
                ended = disable_account(
                    actor=_actor(request), user=user, reason="Disabled in the admin"
                )
            except PermissionDenied as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                continue
            self.message_user(
                request, f"Disabled {user.username}: sessions ended: {ended}."
            )


admin.site.unregister(User)
admin.site.register(User, CustodianUserAdmin)


@admin.register(SealedTOTPDevice)
class SealedTOTPDeviceAdmin(admin.ModelAdmin[SealedTOTPDevice]):
    """Shows who has an authenticator; the sealed secret is never displayed."""

    list_display = ["user", "name", "confirmed", "master_key_id"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class SignInLockAdmin(AccessAttemptAdmin):  # type: ignore[misc]
    """Where administrators unlock sign-in; every deletion goes through the service."""

    # axes' own actions would delete without an audit event.
    actions = ["unlock"]

    @admin.action(description="Unlock sign-in", permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        unlocked = unlock_sign_in(actor=_actor(request), attempts=queryset)
        self.message_user(request, f"Unlocked {unlocked} username and address pairs.")

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        attempts = AccessAttempt.objects.filter(pk=obj.pk)
        unlock_sign_in(actor=_actor(request), attempts=attempts)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[AccessAttempt]
    ) -> None:
        unlock_sign_in(actor=_actor(request), attempts=queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInLockAdmin)


class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Administrators list every user's API tokens and revoke them through the service.

    Only digests are stored, so there is nothing here to copy; tokens are issued only by
    signing in (POST /api/token/), never made in the admin.
    """

    actions = ["revoke"]
    list_display = ["user", "device", "created", "last_used_at", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username", "device"]
    fields = ["user", "device", "created", "last_used_at", "expiry"]
    readonly_fields = ("user", "device", "created", "last_used_at", "expiry")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_users(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_users(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_users(request.user)

    @admin.action(description="Revoke (sign the device out)", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        self.delete_queryset(request, queryset)
        self.message_user(request, "The selected tokens no longer work.")

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        revoke_api_token(actor=_actor(request), token=obj, request=request)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[ApiToken]
    ) -> None:
        for token in queryset.select_related("user"):
            revoke_api_token(actor=_actor(request), token=token, request=request)


# knox registers its own model, swapped out here for accounts.ApiToken (no table).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)
admin.site.register(ApiToken, ApiTokenAdmin)
