"""Patient search matches family-name prefixes case-insensitively (UPPER(...) LIKE 'X%').

PostgreSQL only: a pattern-ops expression index makes that an index range scan instead of
a scan of every patient. SQLite has no such operator class and scans a small table.
"""

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS patient_family_upper_prefix "
    "ON records_patient (UPPER(family_name::text) text_pattern_ops)"
)
DROP = "DROP INDEX IF EXISTS patient_family_upper_prefix"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("records", "0004_break_glass_access")]

    operations = [migrations.RunPython(forwards, backwards)]
