"""Create the single chain-head row whose lock serialises appends to the trail."""

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": GENESIS_HASH})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
