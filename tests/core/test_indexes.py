"""Indexes that only PostgreSQL can hold (core.indexes.AddPostgresIndex): the directory's sorts
newest or largest first with the unknown last. SQLite refuses NULLS LAST in an index."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

POSTGRES_ONLY = {
    "cities_city": ["city_population_desc_idx", "city_joined_desc_idx"],
    "events_meeting": ["meeting_past_idx"],
}


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.parametrize("table", sorted(POSTGRES_ONLY))
def test_the_sort_indexes_exist_on_postgresql_only(table):
    names = index_names(table)
    for name in POSTGRES_ONLY[table]:
        assert (name in names) is (connection.vendor == "postgresql")


def test_both_databases_have_the_indexes_of_the_models():
    assert {"city_name_idx", "city_state_members_idx"} <= index_names("cities_city")
    assert "meeting_upcoming_idx" in index_names("events_meeting")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_the_past_meetings_index_orders_newest_first_with_the_undated_last():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'meeting_past_idx'")
        (definition,) = cursor.fetchone()
    assert "(starts_on DESC NULLS LAST, title, period_ends_on, id)" in definition
