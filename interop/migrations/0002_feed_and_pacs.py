# The ADT feed's and the PACS sends' first migrations were written side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interop", "0001_feed"),
        ("interop", "0001_pacs"),
    ]

    operations: list[migrations.operations.base.Operation] = []
