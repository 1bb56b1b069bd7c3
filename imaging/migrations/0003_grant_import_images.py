"""Records managers may import a facility's existing folder of images."""

from typing import Any

from django.db import migrations

from accounts.rolesync import grant


def forwards(apps: Any, schema_editor: Any) -> None:
    grant(apps, {"Records manager": ["imaging.import_images"]})


class Migration(migrations.Migration):
    dependencies = [
        ("imaging", "0002_import_images_permission"),
        ("records", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
