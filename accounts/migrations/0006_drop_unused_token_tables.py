"""Drop the token tables no model uses any more (issue 23.11).

- knox_authtoken: knox's own migrations create it even though KNOX_TOKEN_MODEL swaps it
  for accounts.ApiToken (knox's migrations are now switched off: MIGRATION_MODULES).
- authtoken_token: DRF's plain-text tokens, emptied by 0005; rest_framework.authtoken
  is no longer installed.

Both reference auth_user, and a table Django does not know cannot be emptied with the
rest: on PostgreSQL a flush (every transactional test's teardown) failed on it.
"""

from typing import Any

from django.db import migrations

UNUSED_TABLES = ("knox_authtoken", "authtoken_token")


def forwards(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table in UNUSED_TABLES:
            if table in present:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_delete_plain_text_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
