"""Indexes that only PostgreSQL can hold, as a migration operation.

A listing sorted newest first with the undated entries last (`F("starts_on").desc(nulls_last=True)`)
is read straight from an index on PostgreSQL, if the index is ordered the same way. SQLite cannot
create such an index ("unsupported use of NULLS LAST"), so these indexes cannot live in a model's
Meta; a migration creates them on PostgreSQL and leaves SQLite, which sorts its small
directories without them, alone.
"""

from django.db import models
from django.db.migrations.operations.base import Operation


class AddPostgresIndex(Operation):
    """Creates `index` on `model_name` on PostgreSQL only; the model state does not track it."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, index: models.Index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass

    def _applies(self, schema_editor, app_label, to_state) -> bool:
        model = to_state.apps.get_model(app_label, self.model_name)
        return schema_editor.connection.vendor == "postgresql" and self.allow_migrate_model(
            schema_editor.connection.alias, model
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor, app_label, to_state):
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor, app_label, from_state):
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"model_name": self.model_name, "index": self.index}

    @property
    def migration_name_fragment(self):
        return self.index.name.lower()
