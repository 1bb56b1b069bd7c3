"""What legal work adds to the apps before it; registered in LegalConfig.ready()."""

from django.contrib.auth.models import User
from django.urls import reverse

from accounts.permissions import may_export_images
from accounts.roles import Role
from imaging import hooks
from legal import storage_checks
from legal.holds import hold_filter
from legal.models import ExportBundle
from legal.scope import legal_scope_q
from records import hooks as record_hooks

LEGAL_HOLD = hooks.Keeper(
    key="legal_hold", reason="under a legal hold", matches=hold_filter
)


def _exports_ready(user: User, roles: list[Role]) -> list[record_hooks.Duty]:
    if not may_export_images(user):
        return []
    ready = ExportBundle.objects.filter(
        requested_by=user, status=ExportBundle.Status.READY
    )
    return [
        record_hooks.Duty(
            ready.count(),
            "export ready to download",
            "exports ready to download",
            reverse("legal:home"),
        )
    ]


def register() -> None:
    storage_checks.register()
    record_hooks.waiting_duties.register(_exports_ready)
    # Legal officers see exactly the images in the scope of their open matters.
    hooks.visibility_grants.register(legal_scope_q)
    hooks.keepers.register(LEGAL_HOLD)
