"""Parts every visitor sees alike are made once per state of the directory (core.caching.remember):
the map of all towns on the home page and the unfiltered directory (sorted or paged too), the
columns of the unfiltered membership matrix, the programme's figure. An edit makes them anew."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City
from tests.pages import page
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db


def map_of(response) -> str:
    (svg,) = [node for node in page(response).find_all("svg") if "map" in (node.get("class") or "").split()]
    return str(svg)


def map_queries(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if 'AS "latitude"' in sql or 'AS "cell_y"' in sql]


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("url", ["/", "/staedte/"])
def test_the_map_of_all_towns_is_made_once_and_then_taken_from_the_cache(client, demo, url):
    first = queries(client, url)
    again = queries(client, url)
    # The map's two queries (the towns' points and their clusters) are not asked again.
    assert len(map_queries(first)) == 2
    assert map_queries(again) == []
    assert len(again) < len(first)


@pytest.mark.parametrize("url", ["/", "/staedte/"])
def test_an_edit_makes_the_map_anew(client, demo, url, django_capture_on_commit_callbacks):
    before = map_of(client.get(url))
    assert map_of(client.get(url)) == before
    stendal = City.objects.get(slug="stendal")
    with django_capture_on_commit_callbacks(execute=True):
        stendal.latitude, stendal.longitude = 47.99, 7.85  # moved to the Breisgau
        stendal.save()
    assert map_of(client.get(url)) != before


@pytest.mark.parametrize("query", ["?sortierung=-einwohner", "?seite=2", "?sortierung=beitritt&seite=2"])
def test_a_sorted_or_paged_directory_shows_the_same_map_without_drawing_it(client, demo, query):
    whole = map_of(client.get("/staedte/"))
    response = client.get("/staedte/" + query)
    assert map_of(response) == whole
    assert map_queries(queries(client, "/staedte/" + query)) == []


def test_the_programme_figure_is_counted_once_and_follows_an_edit(client, demo, django_capture_on_commit_callbacks):
    def figure(response) -> str:
        return page(response).one(class_="programme-figure").text

    first = queries(client, "/staedte/")
    again = queries(client, "/staedte/")
    stated = [sql for sql in first if "networks_statedcount" in sql]
    assert stated and not [sql for sql in again if "networks_statedcount" in sql]
    before = figure(client.get("/staedte/"))
    with django_capture_on_commit_callbacks(execute=True):
        City.objects.filter(slug="stendal").update(active=False)
        City.objects.get(slug="stendal").save()
    assert figure(client.get("/staedte/")) != before


def test_a_filtered_directory_draws_its_own_map(client, demo):
    whole = map_of(client.get("/staedte/"))
    assert map_of(client.get("/staedte/?land=sachsen-anhalt")) != whole


def column_count(response) -> str:
    return page(response).one("h2", class_="result-count").text


def test_the_matrix_columns_are_listed_once_and_follow_an_edit(client, demo, django_capture_on_commit_callbacks):
    first = queries(client, "/mitgliedschaften/")
    again = queries(client, "/mitgliedschaften/")
    # The list of columns (networks with current members: an EXISTS per network) comes from the
    # cache; the page fetches only its own networks.
    assert len([sql for sql in first if "EXISTS" in sql]) == 1
    assert [sql for sql in again if "EXISTS" in sql] == []
    before = column_count(client.get("/mitgliedschaften/"))
    with django_capture_on_commit_callbacks(execute=True):
        crowd()
    assert column_count(client.get("/mitgliedschaften/")) != before


def test_with_the_page_cache_a_page_reads_the_directorys_token_once(client, demo, settings):
    settings.PAGE_CACHE = True
    sqls = queries(client, "/")  # a miss: the page is rendered, with the remembered map
    assert len([sql for sql in sqls if "engagiert_directoryversion" in sql]) == 1
