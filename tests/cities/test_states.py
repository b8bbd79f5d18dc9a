"""The Länder: the list the code uses (cities/states.py) is the one the data migration created."""

import importlib

from cities.states import STATE_SLUGS, STATES


def test_the_list_of_the_code_agrees_with_the_data_migration():
    migration = importlib.import_module("cities.migrations.0002_states")
    assert tuple(migration.STATES) == STATES
    assert len(set(STATE_SLUGS)) == len(STATES) == 16
