"""An existing database survives the upgrade to this release: migrate from the schema of the
previous release, with data in it, and nothing is lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from events.models import MeetingReport

PREVIOUS_RELEASE = [("events", "0005_timestamps")]


@pytest.mark.django_db(transaction=True)
def test_reports_keep_their_change_time_through_the_upgrade():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS_RELEASE)
    old = executor.loader.project_state(PREVIOUS_RELEASE).apps.get_model("events", "MeetingReport")
    stamps = dict(old.objects.values_list("pk", "updated_at"))
    assert len(stamps) == 4  # the demo's reports

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(MeetingReport.objects.values_list("pk", "modified_at")) == stamps


@pytest.mark.django_db
def test_the_ground_floor_keeps_the_migrations_the_database_recorded():
    """core's models were the app "engagiert": its migrations, tables and content types stay."""
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("engagiert", "0001_initial") in applied
    assert ("engagiert", "0002_directory_version") in applied
    tables = connection.introspection.table_names()
    assert {"engagiert_deletedentry", "engagiert_directoryversion"} <= set(tables)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
