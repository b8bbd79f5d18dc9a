"""The page cache (core/caching.py): fast for anonymous visitors, never stale after an edit.

These tests switch the cache on (the rest of the suite measures uncached rendering) and run
in real transactions, because the directory's token changes when an edit commits.
"""

import contextlib
import datetime
import gzip

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import City
from core.caching import current_version
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import Network
from tests.core.test_locking import admin_change_url, admin_form
from tests.editorial.test_editorial import create_autumn_meeting, report_data
from tests.pages import form_data, town_slugs

pytestmark = pytest.mark.django_db(transaction=True)

TOWN = "/staedte/stendal/"
HX = {"HX-Request": "true"}


@pytest.fixture
def demo(transactional_db):
    """The demo directory, committed (tests/conftest.py puts it back after each of these tests)."""


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    clear_caches()
    yield
    clear_caches()


def clear_caches():
    for alias in ("default", "pages"):
        with contextlib.suppress(Exception):  # one test points the cache at a Redis that is not there
            caches[alias].clear()


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in {200, 304}, (url, response.status_code)
    return response


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_anonymous_request_is_served_from_the_cache_with_one_query(client, demo):
    first = fetch(client, "/staedte/")
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        second = fetch(client, "/staedte/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 1, [q["sql"] for q in queries]  # the directory's token, nothing else
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "no-cache, public"
    assert "Cookie" in second["Vary"]


@pytest.fixture
def health_checked(monkeypatch):
    """The default connection as in production (CONN_HEALTH_CHECKS), at the start of a request
    that reuses it; counts Django's own health checks."""
    connection = transaction.get_connection()
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    connection.health_check_done = False
    return checks


def test_a_hit_needs_no_separate_health_check_of_the_connection(client, demo, health_checked):
    fetch(client, TOWN)
    transaction.get_connection().health_check_done = False

    with CaptureQueriesContext(transaction.get_connection()) as queries:
        assert fetch(client, TOWN)["X-Cache"] == "hit"

    assert len(queries) == 1 and health_checked == []


def test_a_connection_the_database_dropped_is_replaced_by_the_token_query(client, demo, health_checked, monkeypatch):
    from django.db import OperationalError

    from core import caching

    fetch(client, TOWN)
    transaction.get_connection().health_check_done = False
    calls = []
    read = caching._read_version

    def dropped_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return read()

    monkeypatch.setattr(caching, "_read_version", dropped_once)
    closed = []
    monkeypatch.setattr(transaction.get_connection(), "close", lambda: closed.append(1))

    response = fetch(client, TOWN)

    assert response.status_code == 200 and response["X-Cache"] == "hit"
    assert len(calls) == 2 and closed == [1]


def test_conditional_requests_answer_304_without_a_body(client, demo):
    first = fetch(client, TOWN)
    by_etag = client.get(TOWN, headers={"If-None-Match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    by_date = client.get(TOWN, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    other = client.get(TOWN, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_full_page_and_htmx_fragment_are_cached_apart(client, demo):
    url = "/staedte/?land=sachsen-anhalt"
    full = fetch(client, url)
    fragment = fetch(client, url, **HX)
    assert fragment["X-Cache"] == "miss"
    assert b"<html" in full.content and b"<html" not in fragment.content
    assert fragment["ETag"] != full["ETag"]
    assert fetch(client, url, **HX).content == fragment.content
    assert fetch(client, url).content == full.content


def test_an_edit_in_the_admin_is_visible_on_the_next_request(client, demo_users):
    fetch(client, TOWN)
    etag = fetch(client, TOWN)["ETag"]
    office = signed_in(demo_users["programmbuero"])
    stendal = City.objects.get(slug="stendal")
    data = form_data(admin_form(office.get(admin_change_url(stendal))))
    data["description"] = ["Neu im Verzeichnis: die Freiwilligenagentur am Marktplatz."]
    assert office.post(admin_change_url(stendal), data).status_code == 302

    response = client.get(TOWN, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert "Freiwilligenagentur am Marktplatz" in response.content.decode()
    assert response["ETag"] != etag
    # The directory lists also changed state, not only the town's own page.
    assert fetch(client, "/staedte/")["X-Cache"] == "miss"


def test_a_coordinators_edit_of_a_membership_inline_reaches_the_network_page(client, demo_users):
    network_url = "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/"
    before = fetch(client, network_url).content.decode()
    assert "Stendal" in before
    Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt").memberships.filter(
        city__slug="stendal"
    ).delete()
    after = fetch(client, network_url)
    assert after["X-Cache"] == "miss"
    assert after.content.decode() != before


def test_publishing_a_report_in_the_editorial_area_is_visible_on_the_next_request(client, demo_users):
    meeting = create_autumn_meeting()
    meeting_url = meeting.get_absolute_url()
    assert "Herbstbericht in Stichworten" not in fetch(client, meeting_url).content.decode()
    fetch(client, "/")

    editor = signed_in(demo_users["sprecherin-sachsen-anhalt"])
    url = reverse("editorial:report", args=[meeting.slug])
    draft = {**report_data(MeetingReport(), body="**Herbstbericht in Stichworten**"), "seen_version": ""}
    assert editor.post(url, draft).status_code == 302
    assert "Herbstbericht in Stichworten" not in fetch(client, meeting_url).content.decode()  # a draft stays private

    report = MeetingReport.objects.get(meeting=meeting)
    assert editor.post(url, report_data(report, action="publish")).status_code == 302
    assert MeetingReport.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED
    assert "Herbstbericht in Stichworten" in fetch(client, meeting_url).content.decode()


def test_a_town_deleted_in_the_admin_is_gone_on_the_next_request(client, demo_users):
    fetch(client, TOWN)
    office = signed_in(demo_users["programmbuero"])
    stendal = City.objects.get(slug="stendal")
    delete_url = reverse("admin:cities_city_delete", args=[stendal.pk])
    assert office.post(delete_url, {"post": "yes"}).status_code == 302
    assert client.get(TOWN).status_code == 404
    assert "stendal" not in town_slugs(fetch(client, "/staedte/?land=sachsen-anhalt"))


def test_links_between_meetings_and_networks_renew_the_token(demo):
    meeting = Meeting.objects.first()
    network = Network.objects.exclude(pk__in=meeting.networks.all()).first()
    token = current_version()[0]
    meeting.networks.add(network)
    assert current_version()[0] != token


def test_one_transaction_renews_the_token_once_and_a_rolled_back_one_not_at_all(demo, django_assert_num_queries):
    token = current_version()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        City.objects.filter(slug="stendal").get().save()
        raise RuntimeError("abgebrochen")
    assert current_version()[0] == token

    towns = list(City.objects.all()[:5])
    with CaptureQueriesContext(transaction.get_connection()) as queries, transaction.atomic():
        for town in towns:
            town.save()
    writes = [q["sql"] for q in queries if "engagiert_directoryversion" in q["sql"]]
    assert len(writes) == 1, writes
    assert current_version()[0] != token


def test_signed_in_visitors_and_their_posts_bypass_the_cache(client, demo_users):
    fetch(client, "/")
    office = signed_in(demo_users["programmbuero"])
    response = office.get("/")
    assert "X-Cache" not in response
    assert ">Abmelden</button>" in response.content.decode()  # their own footer, not the anonymous page
    assert ">Abmelden</button>" not in fetch(client, "/").content.decode()
    assert "X-Cache" not in office.get(reverse("admin:index"))


def test_errors_and_private_pages_are_never_stored(client, demo):
    assert client.get("/staedte/gibt-es-nicht/").status_code == 404
    assert "X-Cache" not in client.get("/staedte/gibt-es-nicht/")
    login = client.get(reverse("login"))
    assert "X-Cache" not in login  # sets the CSRF cookie
    assert "X-Cache" not in client.get("/healthz")


def test_pages_depend_on_the_day(client, demo, monkeypatch):
    first = fetch(client, "/treffen/")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr("core.caching.timezone.localdate", lambda: tomorrow)
    second = fetch(client, "/treffen/")
    assert second["X-Cache"] == "miss"
    assert second["ETag"] != first["ETag"]


def test_a_cache_that_does_not_answer_costs_the_cache_not_the_page(client, demo, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.PAGE_CACHE_SHARED_ALIAS = "default"
    response = client.get("/staedte/")
    assert response.status_code == 200
    assert "Stendal" in response.content.decode()
    assert client.get("/staedte/")["X-Cache"] == "hit"  # from the process's own memory
    health = client.get("/healthz").json()
    assert health == {"status": "ok", "database": "ok", "cache": "unavailable"}


def test_a_page_rendered_by_another_process_comes_from_the_shared_cache(client, demo, settings):
    settings.PAGE_CACHE_SHARED_ALIAS = "default"  # stands in for Redis here
    first = fetch(client, "/netzwerke/")
    caches["pages"].clear()  # another process: its own memory holds nothing yet
    second = fetch(client, "/netzwerke/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    caches["default"].clear()  # served from its own memory from now on
    assert fetch(client, "/netzwerke/")["X-Cache"] == "hit"


def test_compressed_pages_are_stored_compressed_and_keep_every_header(client, demo):
    plain = fetch(client, "/staedte/")
    first = fetch(client, "/staedte/", **{"Accept-Encoding": "gzip, deflate, br"})
    hit = fetch(client, "/staedte/", **{"Accept-Encoding": "gzip, deflate, br"})
    assert (first["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.content) == plain.content
    assert int(hit["Content-Length"]) == len(hit.content) < len(plain.content) / 3
    assert hit["ETag"] == plain["ETag"]
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Content-Language"):
        assert hit[header] == plain[header], header
    assert {"Cookie", "Accept-Encoding"} <= {part.strip() for part in hit["Vary"].split(",")}
    assert client.get("/staedte/", headers={"If-None-Match": hit["ETag"]}).status_code == 304
