"""Unknown query parameters make no new cache entries and never reach a page (public/params.py,
core/caching.py), and the API's OpenAPI description is built once per process."""

import contextlib

import pytest
from django.core.cache import caches
from ninja import main as ninja_main

from core.caching import redis_memory_bound
from public.api import api
from public.params import site_params
from tests.pages import page


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    for alias in ("default", "pages"):
        with contextlib.suppress(Exception):
            caches[alias].clear()


def entries() -> int:
    return len(caches["pages"]._cache)


@pytest.mark.parametrize(
    "path",
    [
        "/staedte/",
        "/staedte/?land=sachsen-anhalt",
        "/treffen/",
        "/netzwerke/",
        "/staedte/stendal/",
        "/api/openapi.json",
    ],
)
def test_unknown_parameters_share_the_entry_of_the_page_without_them(client, demo, page_cache, path):
    first = client.get(path)
    assert first["X-Cache"] == "miss"
    stored = entries()
    joiner = "&" if "?" in path else "?"
    for number in range(5):
        response = client.get(f"{path}{joiner}r={number}&utm_source=rundbrief")
        assert response.status_code == 200
        assert response["X-Cache"] == "hit"
        assert response.content == first.content
    assert entries() == stored


def test_known_parameters_still_make_pages_of_their_own(client, demo, page_cache):
    whole = client.get("/staedte/")
    hessen = client.get("/staedte/?land=hessen&r=1")
    assert hessen["X-Cache"] == "miss"
    assert hessen.content != whole.content
    assert client.get("/staedte/?r=2&land=hessen")["X-Cache"] == "hit"


def test_an_unknown_parameter_never_reaches_the_page_also_without_the_cache(client, demo):
    response = client.get("/staedte/?land=sachsen-anhalt&r=123&sortierung=name")
    root = page(response)
    links = [a.get("href", "") for a in root.find_all("a")]
    downloads = [href for href in links if "export" in href or href.endswith((".csv", ".json"))]
    assert downloads, "the filtered list offers its downloads"
    assert all("r=123" not in href for href in links)
    assert all("land=sachsen-anhalt" in href for href in downloads)


def test_every_filter_the_pages_offer_is_understood(client, demo):
    known = set(site_params())
    for path in ("/staedte/", "/netzwerke/", "/treffen/", "/mitgliedschaften/"):
        for form in page(client.get(path)).find_all("form"):
            names = {field.get("name") for tag in ("input", "select") for field in form.find_all(tag)}
            names.discard(None)
            assert names <= known, f"{path}: {sorted(names - known)} would be dropped"


def test_the_api_still_names_an_unknown_parameter(client, demo, page_cache):
    for _ in range(2):
        response = client.get("/api/towns/?foo=1")
        assert response.status_code == 400
        assert "foo" in response.content.decode()
    assert entries() == 0


def test_the_openapi_description_is_built_once(client, demo, monkeypatch):
    built = []
    original = ninja_main.get_schema
    monkeypatch.setattr(ninja_main, "get_schema", lambda **kwargs: built.append(1) or original(**kwargs))
    api._schema.cache_clear()
    answers = [client.get("/api/openapi.json") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200] * 3
    assert answers[0].json() == answers[2].json()
    assert len(built) == 1


# --- the cache's memory bound (/healthz) -----------------------------------------------------------


def test_the_health_check_reports_a_bounded_local_cache(client, demo):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok", "cache_memory": "ok"}


@pytest.mark.parametrize(
    ("info", "bound"),
    [
        ({"maxmemory": 268435456, "maxmemory_policy": "allkeys-lru"}, "ok"),
        ({"maxmemory": "268435456", "maxmemory_policy": "volatile-lfu"}, "ok"),
        # No limit, or a limit at which Redis refuses writes instead of evicting.
        ({"maxmemory": 0, "maxmemory_policy": "allkeys-lru"}, "unbounded"),
        ({"maxmemory": 268435456, "maxmemory_policy": "noeviction"}, "unbounded"),
        ({}, "unbounded"),
    ],
)
def test_a_redis_counts_as_bounded_only_with_maxmemory_and_an_evicting_policy(info, bound):
    assert redis_memory_bound(info) == bound
