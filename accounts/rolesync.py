"""Used by data migrations to give role groups their permissions.

Each migration passes its own literal mapping, so replaying old migrations never depends
on today's roles.py.
"""

from typing import Any


def ensure_permissions(apps: Any) -> None:
    """Create every model's permissions now rather than after all migrations."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None


def grant(apps: Any, mapping: dict[str, list[str]]) -> None:
    """Add the named permissions ("app_label.codename") to each role's group."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in mapping.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def ensure_roles() -> None:
    """Recreate the role groups from accounts.roles if they are missing.

    Migrations create them; this restores them after a test database flush
    (transactional and live-server tests empty every table).
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_PERMISSIONS

    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() < len(ROLE_PERMISSIONS):
        grant(global_apps, ROLE_PERMISSIONS)
