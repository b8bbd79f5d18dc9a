"""Downloads of the four directory lists: /staedte/, /netzwerke/, /treffen/ and /mitgliedschaften/ as CSV and JSON.

Each download must hold exactly the filtered set of its page (all pages of it, in the page's
order), open cleanly in a German spreadsheet (UTF-8 with BOM, `;`, CRLF), and refuse unusable
filter values with a 400 that names the parameter.
"""

import csv
import datetime
import io
import json
import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cities.models import City, Organization
from core.exports import csv_cell, guard_formula
from demo.synthetic import generate
from events.models import Meeting
from networks.models import Membership, Network
from public.filters.meetings import MeetingFilterSet
from public.filters.networks import MatrixFilterSet, NetworkFilterSet
from public.filters.towns import CityFilterSet
from tests.pages import page
from tests.queries import request_cost

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, read the way a spreadsheet does (BOM, `;`)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def csv_records(response) -> list[dict[str, str]]:
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def json_body(response) -> dict:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


# --- exactly the filtered set ------------------------------------------------------------------------


def expected_towns(query: str) -> list[str]:
    filterset = CityFilterSet(QueryDict(query), queryset=City.objects.active().with_state())
    return [city.slug for city in filterset.qs]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "land=sachsen-anhalt",
        "land=sachsen-anhalt&land=sachsen&sortierung=-einwohner",
        "art=tandem&seit_von=2015",
        "groesse=20-50&sortierung=beitritt",
        "q=rosslau",
        "netzwerk=regionalnetzwerk-anhalt&laenderpartner=on",
        "land=bayern&seite=2",
    ],
)
def test_town_downloads_hold_exactly_the_filtered_towns_in_page_order(client, demo, query):
    expected = expected_towns(query)

    csv_slugs = [row["Kürzel"] for row in csv_records(client.get(f"/staedte/export.csv?{query}"))]
    body = json_body(client.get(f"/staedte/export.json?{query}"))

    assert csv_slugs == expected
    assert [town["slug"] for town in body["results"]] == expected
    assert body["count"] == len(expected)


def test_town_downloads_hold_every_page_not_only_the_first(client, demo):
    generate(1)
    total = City.objects.active().count()
    listed_on_first_page = len(page(client.get("/staedte/")).find_all("li", class_="city-card"))

    rows = csv_records(client.get("/staedte/export.csv?seite=1"))

    assert listed_on_first_page < total
    assert len(rows) == total


@pytest.mark.parametrize("query", ["", "art=state", "art=tandem&art=thematic", "land=bayern&status=active"])
def test_network_downloads_hold_exactly_the_filtered_networks(client, demo, query):
    networks = Network.objects.with_member_count().in_kind_order()
    expected = [network.slug for network in NetworkFilterSet(QueryDict(query), queryset=networks).qs]

    csv_slugs = [row["Kürzel"] for row in csv_records(client.get(f"/netzwerke/export.csv?{query}"))]
    body = json_body(client.get(f"/netzwerke/export.json?{query}"))

    assert csv_slugs == expected
    assert [network["slug"] for network in body["results"]] == expected


def add_upcoming_meetings():
    today = timezone.localdate()
    saxony = Network.objects.get(slug="engagierte-staedte-sachsen")
    for days, title in [(60, "Herbsttreffen"), (30, "Sommertreffen"), (30, "Austauschrunde")]:
        meeting = Meeting.objects.create(title=title, starts_on=today + datetime.timedelta(days=days))
        meeting.networks.add(saxony)


@pytest.mark.parametrize(
    "query", ["", "netzwerk=engagierte-staedte-sachsen", "jahr=2025", "land=bayern&format=in_person"]
)
def test_meeting_downloads_list_upcoming_then_past_meetings_as_the_page_does(client, demo, query):
    add_upcoming_meetings()
    today = timezone.localdate()
    meetings = MeetingFilterSet(QueryDict(query), queryset=Meeting.objects.all()).qs
    expected = [m.slug for m in meetings.upcoming(today).order_by("starts_on", "title")] + [
        m.slug for m in meetings.past(today)
    ]

    csv_slugs = [row["Kürzel"] for row in csv_records(client.get(f"/treffen/export.csv?{query}"))]
    body = json_body(client.get(f"/treffen/export.json?{query}"))

    assert csv_slugs == expected
    assert [meeting["slug"] for meeting in body["results"]] == expected


def test_the_meeting_download_starts_with_the_upcoming_meetings_soonest_first(client, demo):
    add_upcoming_meetings()

    rows = csv_records(client.get("/treffen/export.csv?netzwerk=engagierte-staedte-sachsen"))

    assert [row["Titel"] for row in rows[:3]] == ["Austauschrunde", "Sommertreffen", "Herbsttreffen"]
    assert [row["Anstehend"] for row in rows[:4]] == ["ja", "ja", "ja", "nein"]


@pytest.mark.parametrize("query", ["", "land=sachsen-anhalt", "land=sachsen&art=tandem&art=state", "art=federal"])
def test_matrix_download_has_the_filtered_towns_as_rows_and_networks_as_columns(client, demo, query):
    filterset = MatrixFilterSet(QueryDict(query), queryset=City.objects.active().with_state().order_by("name"))
    towns = list(filterset.qs)
    networks = list(filterset.networks())
    members = set(Membership.objects.current().values_list("city__slug", "network__slug"))

    header, *rows = csv_rows(client.get(f"/mitgliedschaften/export.csv?{query}"))
    body = json_body(client.get(f"/mitgliedschaften/export.json?{query}"))

    assert header == ["Stadt", "Bundesland", *(network.name for network in networks)]
    assert [row[0] for row in rows] == [town.official_name for town in towns]
    for town, row in zip(towns, rows, strict=True):
        assert row[2:] == ["x" if (town.slug, network.slug) in members else "" for network in networks]
    assert [column["slug"] for column in body["networks"]] == [network.slug for network in networks]
    assert [town["slug"] for town in body["results"]] == [town.slug for town in towns]
    for town in body["results"]:
        assert town["networks"] == [n.slug for n in networks if (town["slug"], n.slug) in members]


# --- a German spreadsheet reads it ----------------------------------------------------------------------


def test_town_csv_is_utf8_with_bom_semicolons_and_crlf_and_keeps_umlauts(client, demo):
    response = client.get("/staedte/export.csv?land=sachsen-anhalt")
    text = response.content.decode("utf-8-sig")
    rows = {row["Kürzel"]: row for row in csv_records(response)}

    assert text.startswith("Name;Kürzel;Art;Bundesland;")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert rows["dessau-rosslau"]["Name"] == "Dessau-Roßlau"
    assert rows["dessau-rosslau"]["Einwohnerzahl"] == "67747"  # no thousands separator
    assert rows["dessau-rosslau"]["Breitengrad"] == "51,83864"  # decimal comma
    assert "Landesnetzwerk Engagierte Städte Sachsen-Anhalt" in rows["dessau-rosslau"]["Netzwerke"]


def test_meeting_csv_writes_dates_the_german_way_and_yes_no_in_words(client, demo):
    rows = {row["Kürzel"]: row for row in csv_records(client.get("/treffen/export.csv"))}

    weisswasser = rows["netzwerktreffen-sachsen-weisswasser-2025"]
    assert weisswasser["Beginn"] == "18.06.2025"
    assert weisswasser["Datum"] == "18. Juni 2025"
    assert weisswasser["Ort"] == "Weißwasser/O.L."
    assert weisswasser["Bericht"] == "ja"
    assert rows["netzwerktreffen-sachsen-2025-q4"]["Genauigkeit des Datums"] == "Quartal"


def test_downloads_are_named_after_the_list_and_the_day(client, demo):
    today = timezone.localdate().isoformat()
    expected = {
        "/staedte/export.csv": f"engagierte-staedte-{today}.csv",
        "/netzwerke/export.json": f"engagierte-stadt-netzwerke-{today}.json",
        "/treffen/export.csv": f"engagierte-stadt-treffen-{today}.csv",
        "/mitgliedschaften/export.json": f"engagierte-stadt-mitgliedschaften-{today}.json",
    }
    for url, name in expected.items():
        assert client.get(url)["Content-Disposition"] == f'attachment; filename="{name}"'


def test_json_has_an_envelope_with_count_applied_filters_and_generation_time(client, demo):
    body = json_body(client.get("/staedte/export.json?land=sachsen-anhalt&land=sachsen&seit_von=2015&q=&seite=3"))

    assert body["count"] == len(body["results"]) > 0
    assert sorted(body["filters"]) == ["land", "seit_von"]
    assert sorted(body["filters"]["land"]) == ["sachsen", "sachsen-anhalt"]
    assert body["filters"]["seit_von"] == 2015
    assert datetime.datetime.fromisoformat(body["generated_at"]).tzinfo is not None


def test_json_towns_have_english_keys_and_machine_values(client, demo):
    body = json_body(client.get("/staedte/export.json?land=sachsen-anhalt"))

    dessau = next(town for town in body["results"] if town["slug"] == "dessau-rosslau")
    assert dessau["name"] == "Dessau-Roßlau"
    assert dessau["state"] == "sachsen-anhalt"
    assert dessau["population"] == 67747  # GeoNames (demo/gazetteer.toml)
    assert "regionalnetzwerk-anhalt" in dessau["networks"]


def test_downloads_carry_each_entrys_sources(client, demo):
    towns = {
        town["slug"]: town for town in json_body(client.get("/staedte/export.json?land=sachsen-anhalt"))["results"]
    }
    stendal = towns["stendal"]["sources"]
    geonames = [source for source in stendal if source["url"] == "https://www.geonames.org/2827479"]
    assert {source["fact"] for source in geonames} == {"coordinates", "population"}
    assert all(source["title"] and source["retrieved"] for source in stendal)
    assert all(towns[slug]["sources"] for slug in towns)  # every town rests on at least one source

    row = {row["Kürzel"]: row for row in csv_records(client.get("/staedte/export.csv?land=sachsen-anhalt"))}["stendal"]
    assert "GeoNames: Stendal (https://www.geonames.org/2827479)" in row["Quellen"].split(" | ")
    assert row["Quellen"].count("GeoNames: Stendal") == 1  # one source backing two facts is named once

    networks = json_body(client.get("/netzwerke/export.json"))["results"]
    assert all(network["sources"] for network in networks)
    meetings = {m["slug"]: m for m in json_body(client.get("/treffen/export.json"))["results"]}
    assert meetings["netzwerktreffen-2024-wuerzburg"]["sources"]
    assert "Quellen" in csv_records(client.get("/treffen/export.csv"))[0]


def test_json_dates_are_iso(client, demo):
    body = json_body(client.get("/treffen/export.json"))
    wuerzburg = next(m for m in body["results"] if m["slug"] == "netzwerktreffen-2024-wuerzburg")

    assert (wuerzburg["starts_on"], wuerzburg["ends_on"], wuerzburg["date_precision"]) == (
        "2024-09-16",
        "2024-09-17",
        "day",
    )


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+49 30 1234", "-2+3", "@SUMME(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_as_a_formula_get_an_apostrophe(text):
    assert guard_formula(text) == "'" + text
    assert csv_cell(text) == "'" + text
    assert csv_cell("Dessau-Roßlau") == "Dessau-Roßlau"
    assert csv_cell(-3) == "-3"  # numbers are ours, not text


def test_a_formula_in_the_data_arrives_defused_in_the_csv_and_untouched_in_json(client, demo):
    organization = Organization.objects.create(name='=HYPERLINK("http://evil.example","Klick")')
    City.objects.filter(slug="stendal").update(coordinating_organization=organization)

    row = next(r for r in csv_records(client.get("/staedte/export.csv")) if r["Kürzel"] == "stendal")
    town = next(t for t in json_body(client.get("/staedte/export.json"))["results"] if t["slug"] == "stendal")

    assert row["Koordinierungsstelle"] == '\'=HYPERLINK("http://evil.example","Klick")'
    assert town["coordinating_organization"] == '=HYPERLINK("http://evil.example","Klick")'


# --- the links on the pages ---------------------------------------------------------------------------


def download_links(response) -> dict[str, str]:
    group = page(response).one(role="group", **{"aria-label": "Diese Auswahl herunterladen"})
    return {link.text.split(":")[0]: link.get("href") for link in group.find_all("a")}


@pytest.mark.parametrize(
    ("url", "query", "export"),
    [
        ("/staedte/", "land=sachsen-anhalt&art=tandem&sortierung=-einwohner", "/staedte/export"),
        ("/netzwerke/", "art=state&status=active", "/netzwerke/export"),
        ("/treffen/", "netzwerk=engagierte-staedte-sachsen&jahr=2025", "/treffen/export"),
        ("/mitgliedschaften/", "land=sachsen&art=tandem", "/mitgliedschaften/export"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx-fragment"])
def test_download_links_carry_the_current_filters_but_not_the_page_number(client, demo, url, query, export, headers):
    response = client.get(f"{url}?{query}&seite=2", headers=headers)

    assert download_links(response) == {
        "CSV herunterladen": f"{export}.csv?{query}",
        "JSON herunterladen": f"{export}.json?{query}",
    }


def test_download_links_of_the_unfiltered_list_point_to_everything(client, demo):
    links = download_links(client.get("/staedte/"))

    assert links["CSV herunterladen"].removesuffix("?") == "/staedte/export.csv"


def test_with_a_bad_filter_value_the_page_offers_no_download_but_says_why(client, demo):
    html = page(client.get("/staedte/?seit_von=abc"))

    assert html.find(role="group", **{"aria-label": "Diese Auswahl herunterladen"}) is None
    assert "sobald alle Filterangaben gültig sind" in html.one("p", class_="downloads").text


# --- bad filters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/staedte/export.csv?seit_von=abc", "seit_von"),
        ("/staedte/export.csv?land=atlantis", "land"),
        ("/staedte/export.csv?q=%00", "q"),
        ("/staedte/export.csv?sortierung=zufall", "sortierung"),
        ("/netzwerke/export.csv?status=verschollen", "status"),
        ("/treffen/export.csv?jahr=1800", "jahr"),
        ("/treffen/export.csv?format=brieftaube", "format"),
        ("/mitgliedschaften/export.csv?art=geheim", "art"),
    ],
)
def test_a_bad_filter_value_gets_a_400_in_german_naming_the_parameter(client, demo, url, parameter):
    as_text = client.get(url)
    as_json = client.get(url.replace(".csv", ".json"))

    assert as_text.status_code == 400
    assert as_text["Content-Type"] == "text/plain; charset=utf-8"
    assert f"„{parameter}“" in as_text.content.decode()
    assert as_text.content.decode().startswith("Ungültige Filterangabe")
    assert as_json.status_code == 400
    assert parameter in json_body(as_json)["parameters"]
    assert f"„{parameter}“" in json_body(as_json)["error"]


EXPORTS = {
    "/staedte/export.csv": [
        "q",
        "land",
        "netzwerk",
        "art",
        "seit_von",
        "seit_bis",
        "groesse",
        "koordination",
        "laenderpartner",
        "sortierung",
        "seite",
    ],
    "/netzwerke/export.json": ["art", "land", "status"],
    "/treffen/export.csv": ["netzwerk", "land", "format", "art", "jahr", "seite"],
    "/mitgliedschaften/export.json": ["land", "art"],
}
junk = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["sachsen-anhalt", "2021", "\x00", "' OR 1=1 --", "99999999999999999999", "tandem", "-einwohner"]),
)


@pytest.mark.parametrize("url", list(EXPORTS))
def test_random_query_strings_get_a_download_or_a_400_never_a_server_error(client, demo, url):
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(pairs=st.lists(st.tuples(st.sampled_from(EXPORTS[url]), junk), max_size=5))
    def check(pairs):
        response = client.get(f"{url}?{urlencode(pairs)}")
        assert response.status_code in (200, 400), pairs

    check()


# --- query budget ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/staedte/export.csv",
        "/staedte/export.json?land=sachsen-anhalt&art=state&sortierung=-einwohner",
        "/netzwerke/export.csv",
        "/netzwerke/export.json?land=bayern",
        "/treffen/export.csv",
        "/treffen/export.json?netzwerk=engagierte-staedte-sachsen",
        "/mitgliedschaften/export.csv",
        "/mitgliedschaften/export.json?art=federal&art=state",
    ],
)
def test_a_download_needs_the_same_number_of_queries_with_ten_times_the_data(client, demo, url):
    add_upcoming_meetings()  # so that the upcoming part of the meeting download runs its queries, too
    small, small_size = request_cost(client, url)
    generate(10)
    large, large_size = request_cost(client, url)

    assert large_size > small_size
    assert large == small, f"{url}: {small} queries with the demo data, {large} with ten times the data"


def test_filter_names_in_the_error_are_the_address_names_not_labels(client, demo):
    body = client.get("/staedte/export.csv?groesse=riesig").content.decode()

    assert re.search(r"„groesse“ \(Einwohner\): Bitte eine gültige Auswahl treffen\.", body)
