"""Administrators disable accounts through the service, which ends every session at once."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import SealedTOTPDevice
from accounts.users import disable_account


class CustodianUserAdmin(UserAdmin[User]):
    actions = ["disable_accounts"]
    # Whether an account is disabled is what an administrator checks first.
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]

    @admin.action(description="Disable and sign out everywhere", permissions=["change"])
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)  # noqa: S101 - the admin requires sign-in
        for user in queryset.filter(is_active=True):
            try:
                ended = disable_account(
                    actor=request.user, user=user, reason="Disabled in the admin"
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
