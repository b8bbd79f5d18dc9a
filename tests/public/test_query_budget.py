"""Query budgets: no public page needs more database queries when the directory grows.

Each page is requested with the demo data and again after `generate(10)` has added ten
times the demo's volume (about 230 towns, 100 networks, 140 meetings, …). The synthetic
data is linked into the demo's own networks and towns (every new town joins the federal
network, towns join their state's network, new meetings are held by demo networks), so
the lists on the measured demo pages really grow. A page whose count grows runs a query
per listed item (N+1).

The demo's last planned meeting lies in 2025, so its "upcoming" lists are empty and
their prefetch query would not run at all; the baseline therefore adds one upcoming
meeting (of a network without meetings in the demo, with a town), so that both
measurements run the same code paths.

tests/public/test_size_budget.py then piles data onto the same pages far beyond every cap they
apply (tests/public/crowded.py) and checks that each still fits its size budget.

Run with `-s` to see the counts.
"""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import FieldFetchBlocked
from django.db.models import Value
from django.utils import timezone

from cities.models import City, Organization
from core.dates import period_end
from core.directory import directory_app_labels
from core.text import fold, german_slugify
from demo.synthetic import generate
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import Membership, Network, NetworkKind
from public.views import towns as city_views
from tests.fetching import lazy_loads_refused
from tests.pages import result_count
from tests.queries import request_cost

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
LANDESNETZWERK = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"

PAGES = [
    pytest.param("/", {}, id="home"),
    pytest.param("/zahlen/", {}, id="figures"),
    pytest.param("/staedte/dessau-rosslau/", {}, id="town-page-two-periods"),
    pytest.param("/staedte/", {}, id="towns"),
    pytest.param(
        "/staedte/?land=sachsen-anhalt&art=state&groesse=20-50&sortierung=-einwohner", {}, id="towns-filtered"
    ),
    pytest.param("/staedte/?land=sachsen-anhalt&seite=1", HX, id="towns-htmx-fragment"),
    pytest.param("/staedte/?land=sachsen-anhalt&teil=karte", HX, id="towns-htmx-map"),
    pytest.param("/staedte/?teil=netzwerke&netzwerk_suche=netz&land=sachsen-anhalt", HX, id="towns-htmx-picker"),
    pytest.param(f"/staedte/?netzwerk={LANDESNETZWERK}&netzwerk_suche=landes", {}, id="towns-network-search"),
    pytest.param("/staedte/?treffen=bundesnetzwerktreffen-2025-wittenberg", {}, id="towns-of-a-meeting"),
    pytest.param("/staedte/wittenberg/", {}, id="town-page"),
    pytest.param("/laender/", {}, id="states"),
    pytest.param("/laender/sachsen-anhalt/", {}, id="state-page"),
    pytest.param("/netzwerke/", {}, id="networks"),
    pytest.param(f"/netzwerke/{LANDESNETZWERK}/", {}, id="network-page"),
    pytest.param("/netzwerke/bundesnetzwerk-engagierte-stadt/", {}, id="federal-network-page"),
    pytest.param("/netzwerke/regionalnetzwerk-anhalt/", {}, id="network-page-with-campaigns"),
    pytest.param("/mitgliedschaften/", {}, id="matrix"),
    pytest.param("/mitgliedschaften/?art=regional&art=tandem&spalten=2", {}, id="matrix-second-columns"),
    pytest.param("/mitgliedschaften/?land=sachsen-anhalt", HX, id="matrix-htmx-fragment"),
    pytest.param("/treffen/", {}, id="meetings"),
    pytest.param("/treffen/?anstehend=2&seite=2", HX, id="meetings-htmx-fragment"),
    pytest.param("/treffen/?stadt=wittenberg&netzwerk_suche=sachsen", {}, id="meetings-of-a-town"),
    pytest.param("/treffen/netzwerktreffen-sachsen-weisswasser-2025/", {}, id="meeting-page-with-report"),
    pytest.param("/treffen/bundesnetzwerktreffen-2025-wittenberg/", {}, id="meeting-page-with-towns"),
    pytest.param("/suche/?q=stadt", {}, id="search"),
    pytest.param("/suche/?q=Witenberg", {}, id="search-with-a-typo"),
    pytest.param("/mitmachen/", {}, id="joining"),
    pytest.param("/sitemap.xml", {}, id="sitemap-index"),
    pytest.param("/sitemap-treffen.xml", {}, id="sitemap-meetings"),
    pytest.param("/berichte/feed/", {}, id="report-feed"),
    pytest.param("/netzwerke/engagierte-staedte-sachsen/berichte/feed/", {}, id="network-report-feed"),
]


@pytest.fixture
def baseline(demo):
    """The demo data plus one upcoming meeting (`add_upcoming_meeting`)."""
    add_upcoming_meeting()


def add_upcoming_meeting() -> None:
    """One upcoming meeting of the Saxon network and the Regionalnetzwerk Anhalt (which has none in
    the demo) that Wittenberg attends."""
    meeting = Meeting.objects.create(
        title="Netzwerktreffen im nächsten Monat", starts_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    meeting.networks.add(*Network.objects.filter(slug__in=["engagierte-staedte-sachsen", "regionalnetzwerk-anhalt"]))
    meeting.participating_cities.add(City.objects.get(slug="wittenberg"))


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_page_needs_the_same_number_of_queries_with_ten_times_the_data(client, baseline, url, headers):
    small, small_size = request_cost(client, url, headers)
    generate(10)
    large, large_size = request_cost(client, url, headers)

    print(
        f"\n{url}{' (HTMX)' if headers else ''}: {small} queries with the demo, {large} with generate(10) "
        f"[{small_size:,} -> {large_size:,} bytes]"
    )
    assert large == small


def test_a_lazy_load_fails_the_test_of_its_page(client, demo, monkeypatch):
    """The guard of tests/fetching.py is live: a town page whose fellow towns arrive without their
    town rows (one query per town when rendered) fails `request_cost`, and names what it touched."""
    fellows_with_towns = city_views.town_fellows

    def fellows_without_towns(city, networks):
        fellows = fellows_with_towns(city, networks)
        assert fellows, "the measured page must list fellow towns"
        count = Value(fellows[0].fellow_count)
        return list(Membership.objects.filter(pk__in=[fellow.pk for fellow in fellows]).annotate(fellow_count=count))

    monkeypatch.setattr(city_views, "town_fellows", fellows_without_towns)
    assert client.get("/staedte/wittenberg/").status_code == 200  # Django's default fetches one by one
    with pytest.raises(FieldFetchBlocked, match=r"Membership\.city"):
        request_cost(client, "/staedte/wittenberg/")


def test_the_guard_refuses_only_inside_its_block(demo):
    town = City.objects.get(slug="stendal")
    with lazy_loads_refused(), pytest.raises(FieldFetchBlocked, match=r"City\.state"):
        town.state  # noqa: B018 (the access is the test)
    assert town.state.code == "DE-ST"


def test_the_filtered_directory_really_grows_with_the_synthetic_data(client, baseline):
    before = result_count(client.get("/staedte/?land=sachsen-anhalt"))
    generate(10)
    after = result_count(client.get("/staedte/?land=sachsen-anhalt"))

    assert before == "9 Engagierte Städte und 1 Engagiertes Land"
    assert int(after.split()[0]) > 9 + 10


# --- the generator itself ------------------------------------------------------------------------


def test_generate_adds_ten_times_the_demo_volume(demo):
    towns, networks, meetings = City.objects.count(), Network.objects.count(), Meeting.objects.count()

    generate(10)

    assert City.objects.count() - towns == 230
    assert Network.objects.count() - networks == 100
    assert Meeting.objects.count() - meetings == 140
    assert set(Network.objects.values_list("kind", flat=True)) == set(NetworkKind.values)
    assert MeetingReport.objects.filter(status=ReportStatus.PUBLISHED).count() >= 4 + 40
    today = timezone.localdate()
    assert Meeting.objects.upcoming(today).exists() and Meeting.objects.past(today).count() > 14
    assert Membership.objects.filter(network__slug="bundesnetzwerk-engagierte-stadt").count() == towns + 230


def test_synthetic_data_passes_every_model_check(demo):
    generate(2)

    domain_models = [
        model
        for label in directory_app_labels()
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]
    for model in domain_models:
        for obj in model.objects.all():
            obj.full_clean()


def test_synthetic_rows_carry_the_fields_save_would_derive(demo):
    demo_towns = set(City.objects.values_list("pk", flat=True))
    demo_meetings = set(Meeting.objects.values_list("pk", flat=True))
    generate(2)

    new_towns = City.objects.exclude(pk__in=demo_towns).select_related("coordinating_organization")
    assert len(new_towns) == 46
    for town in new_towns:
        coordinator = town.coordinating_organization.name if town.coordinating_organization else ""
        assert town.search_text == fold(" ".join(filter(None, [town.prefix, town.name, coordinator])))[:500]
        assert town.slug.startswith(german_slugify(town.name))
        if town.coordinating_organization:
            assert town.coordinating_organization.city_id == town.pk
    for org in Organization.objects.all():
        assert org.search_text == fold(f"{org.name} {org.short_name}")[:300]
    for meeting in Meeting.objects.exclude(pk__in=demo_meetings):
        assert meeting.search_text == fold(f"{meeting.title} {meeting.place_text} {meeting.topics}")[:500]
        if meeting.starts_on:
            expected_end = meeting.ends_on or period_end(meeting.starts_on, meeting.date_precision)
            assert meeting.period_ends_on == expected_end
        else:
            assert meeting.period_ends_on is None


def test_generate_can_run_twice_without_clashing_slugs(demo):
    towns = City.objects.count()
    generate(1)
    generate(1)

    assert City.objects.count() == towns + 2 * 23
    assert len(set(City.objects.values_list("slug", flat=True))) == City.objects.count()
    assert len(set(Meeting.objects.values_list("slug", flat=True))) == Meeting.objects.count()
