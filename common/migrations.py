"""Helpers for the migrations that moved models between apps without a schema change.

The tables keep their names (Meta.db_table); only Django's picture of which app owns
each model changes, through SeparateDatabaseAndState. These helpers carry the rest:
content types (and so permissions and the admin's log) follow their models, and a table
whose old app is gone is created only where a database does not have it yet.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import StateApps


def move_content_types(
    old_label: str, new_label: str, models: list[str]
) -> migrations.RunPython:
    """A RunPython that gives the moved models' content types to their new app."""

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        rows = content_type.objects.using(schema_editor.connection.alias)
        for model in models:
            if not rows.filter(app_label=new_label, model=model).exists():
                rows.filter(app_label=old_label, model=model).update(
                    app_label=new_label
                )

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        rows = content_type.objects.using(schema_editor.connection.alias)
        for model in models:
            if not rows.filter(app_label=old_label, model=model).exists():
                rows.filter(app_label=new_label, model=model).update(
                    app_label=old_label
                )

    return migrations.RunPython(forwards, backwards)


class CreateModelIfMissing(migrations.CreateModel):
    """CreateModel whose table is made only where the database lacks it.

    For a model whose former app is no longer installed: databases migrated before the
    move already have its table (and its rows); new databases get it here.
    """

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: Any,
        to_state: Any,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.name)
        tables = schema_editor.connection.introspection.table_names()
        if model._meta.db_table not in tables:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: Any,
        to_state: Any,
    ) -> None:
        # Going back hands the table to the former app's code, rows and all: keep it.
        return

    def describe(self) -> str:
        return f"Create model {self.name} (unless its table exists)"


def state_only(*operations: Operation) -> migrations.SeparateDatabaseAndState:
    """The operations applied to Django's picture of the models, not to the database."""
    return migrations.SeparateDatabaseAndState(state_operations=list(operations))
