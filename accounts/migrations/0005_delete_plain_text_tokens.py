"""Delete the API tokens DRF's authtoken kept in plain text (issue 23.11).

A plain key cannot become a knox token without keeping the key itself, so every device
signs in again. rest_framework.authtoken is no longer installed, so its table is reached
by name, and only where an older database still has it.
"""

from typing import Any

from django.db import migrations

PLAIN_TEXT_TABLE = "authtoken_token"


def forwards(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if PLAIN_TEXT_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(PLAIN_TEXT_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_tokens_per_device")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
