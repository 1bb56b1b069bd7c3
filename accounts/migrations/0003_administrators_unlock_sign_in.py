"""Administrators may see and unlock sign-in locks (issue 23.1: they got 403)."""

from typing import Any

from django.db import migrations

from accounts.rolesync import grant


def forwards(apps: Any, schema_editor: Any) -> None:
    grant(
        apps,
        {"Administrator": ["axes.view_accessattempt", "axes.delete_accessattempt"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_oidc_provider_identity"),
        ("axes", "0010_accessattemptexpiration"),
        ("records", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
