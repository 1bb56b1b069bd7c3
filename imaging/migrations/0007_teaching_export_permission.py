"""Ward staff (the clinicians) may export de-identified images for teaching or publication."""

from typing import Any

from django.db import migrations

from accounts.rolesync import grant


def forwards(apps: Any, schema_editor: Any) -> None:
    grant(apps, {"Ward staff": ["imaging.export_for_teaching"]})


class Migration(migrations.Migration):
    dependencies = [
        ("imaging", "0006_clinical_safety"),
        ("records", "0002_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="clinicalimage",
            options={
                "ordering": ["-captured_at", "-id"],
                "permissions": [
                    ("capture_image", "Capture images into a patient's record"),
                    ("download_original", "Download an image's original bytes"),
                    ("request_hard_copy", "Request a printed hard copy"),
                    ("export_images", "Export images for a legal matter"),
                    (
                        "import_images",
                        "Import a facility's existing folder of images",
                    ),
                    (
                        "export_for_teaching",
                        "Export de-identified images for teaching or publication",
                    ),
                ],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
