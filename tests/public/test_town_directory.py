"""The town directory /staedte/: search, every filter, sorting, counts, chips, pagination and HTMX."""

import gzip
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City, State
from demo.loader import DATA_FILES, read_data
from events.models import Meeting
from networks.models import Membership, Network
from tests.pages import chips, form_data, page, result_count, result_total, town_slugs
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db

URL = "/staedte/"

SACHSEN_ANHALT = {
    "aken-elbe",
    "bitterfeld-wolfen",
    "blankenburg-harz",
    "dessau-rosslau",
    "gardelegen",
    "graefenhainichen",
    "hohe-boerde",
    "naumburg-saale",
    "stendal",
    "wittenberg",
}
BAYERN = {
    "ansbach",
    "coburg",
    "eichstaett",
    "holzkirchen",
    "ingolstadt",
    "kaufbeuren",
    "kronach",
    "neumarkt-in-der-oberpfalz",
    "neustadt-an-der-aisch",
    "puchheim",
    "rosenheim",
    "wuerzburg",
}
SACHSEN = {"bautzen", "hoyerswerda", "radebeul", "weisswasser-ol", "zwickau"}
# Every town of the data files (demo/network.toml, demo/towns.toml); populations come from GeoNames
# (demo/gazetteer.toml), which knows most of them.
TOWN_RECORDS = read_data(DATA_FILES)["cities"]
ALL_TOWNS = {town["slug"] for town in TOWN_RECORDS}
POPULATION = {
    slug: entry["population"] for slug, entry in read_data(DATA_FILES)["gazetteer"].items() if "population" in entry
}
JOIN_YEARS = {town["slug"]: town.get("joined_year") for town in TOWN_RECORDS}
PARTNER_STATES = {"DE-ST", "DE-BY", "DE-HE", "DE-RP", "DE-SH"}
IN_PARTNER_STATES = {town["slug"] for town in TOWN_RECORDS if town["state"] in PARTNER_STATES}
RHEIN_NECKAR = {
    "heidelberg",
    "lampertheim",
    "landau-in-der-pfalz",
    "neustadt-an-der-weinstrasse",
    "speyer",
    "viernheim",
    "weinheim",
}
BADEN_WUERTTEMBERG_NETWORK = {
    "balingen",
    "freiburg-im-breisgau",
    "goeppingen",
    "heidelberg",
    "rastatt",
    "rheinfelden-baden",
    "schorndorf",
    "sulz-am-neckar",
    "ulm",
    "vorderes-kandertal",
    "weinheim",
}
LANDESNETZWERK_SACHSEN_ANHALT = SACHSEN_ANHALT - {"aken-elbe"}
LANDESNETZWERK_SLUG = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
ANHALT = {"wittenberg", "bitterfeld-wolfen", "graefenhainichen", "dessau-rosslau", "aken-elbe"}
TANDEM_TOWNS = {"wittenberg", "radebeul", "cottbus", "stendal", "lemgo", "parchim", "gardelegen", "coburg", "kronach"}
SIZE_CLASSES = {
    "lt20": {slug for slug, population in POPULATION.items() if population < 20_000},
    "20-50": {slug for slug, population in POPULATION.items() if 20_000 <= population < 50_000},
    "50-100": {slug for slug, population in POPULATION.items() if 50_000 <= population < 100_000},
    "gt100": {slug for slug, population in POPULATION.items() if population >= 100_000},
}


# The directory's pages with the 30 towns of `many_towns` added (24 towns per page).
LAST_PAGE = -(-(len(ALL_TOWNS) + 30) // 24)


def one_page(client, query="") -> list[str]:
    response = client.get(URL + query)
    assert response.status_code == 200
    return town_slugs(response)


def listed(client, query="", **headers) -> list[str]:
    """The slugs a query lists, over all its pages, in order."""
    response = client.get(URL + query, headers=headers)
    assert response.status_code == 200
    slugs = town_slugs(response)
    total = result_total(response) if slugs else 0
    number = 1
    while len(slugs) < total:
        number += 1
        separator = "&" if query else "?"
        more = town_slugs(client.get(f"{URL}{query}{separator}seite={number}", headers=headers))
        assert more, f"page {number} of {query!r} is empty"
        slugs += more
    return slugs


# --- addresses -------------------------------------------------------------------------------


def test_directory_lives_at_a_german_address_and_lists_every_active_town(client, demo):
    response = client.get("/staedte/")

    assert response.status_code == 200
    assert set(listed(client)) == ALL_TOWNS
    assert result_count(response) == f"{len(ALL_TOWNS) - 1} Engagierte Städte und 1 Engagiertes Land"


def test_the_address_without_trailing_slash_redirects_to_the_directory(client, demo):
    response = client.get("/staedte")

    assert response.status_code == 301
    assert response.headers["Location"] == "/staedte/"


def test_town_addresses_are_ascii_slugs_that_spell_umlauts_and_sharp_s_the_german_way(client, demo):
    slugs = listed(client)

    assert {"dessau-rosslau", "weisswasser-ol", "graefenhainichen", "eichstaett", "hohe-boerde"} <= set(slugs)
    assert all(slug.isascii() and slug == slug.lower() and " " not in slug for slug in slugs)
    assert client.get("/staedte/dessau-rosslau/").status_code == 200


# --- text search -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["rosslau", "Roßlau", "ROSSLAU", "roßlau", "Dessau-Rosslau", "  dessau  "])
def test_search_ignores_case_umlauts_and_sharp_s(client, demo, query):
    assert listed(client, "?" + _q(query)) == ["dessau-rosslau"]


@pytest.mark.parametrize("query", ["weisswasser", "Weißwasser", "WEISSWASSER/O.L."])
def test_search_spelled_with_ss_finds_weisswasser(client, demo, query):
    assert listed(client, "?" + _q(query)) == ["weisswasser-ol"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Gräfenhainichen", "graefenhainichen"),
        ("graefenhainichen", "graefenhainichen"),
        ("EICHSTAETT", "eichstaett"),
        ("Börde", "hohe-boerde"),
        ("boerde", "hohe-boerde"),
    ],
)
def test_umlauts_may_be_written_as_ae_oe_ue(client, demo, query, slug):
    assert listed(client, "?" + _q(query)) == [slug]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Freiwilligen-Agentur", "stendal"),
        ("freiwilligen-agentur altmark", "stendal"),
        ("Jugendförderungszentrum", "gardelegen"),
        ("Zusammen in Parchim", "parchim"),
    ],
)
def test_search_covers_the_coordinating_organisation(client, demo, query, slug):
    assert listed(client, "?" + _q(query)) == [slug]


def test_search_finds_the_official_prefix_of_the_name(client, demo):
    assert set(listed(client, "?q=hansestadt")) == {"stendal", "gardelegen", "lemgo"}


def test_a_search_without_match_shows_the_empty_state_with_help(client, demo):
    response = client.get(URL + "?q=atlantis")

    assert town_slugs(response) == []
    assert result_count(response) == "Keine Engagierte Stadt gefunden"
    empty = page(response).one(class_="empty")
    assert "Zu dieser Auswahl kennt das Verzeichnis noch keine Engagierte Stadt" in empty.text
    assert "/staedte/" in empty.links()


# --- filters ---------------------------------------------------------------------------------


def test_filtering_by_state_lists_only_its_towns(client, demo):
    assert set(listed(client, "?land=sachsen-anhalt")) == SACHSEN_ANHALT


def test_choosing_two_states_lists_the_towns_of_both(client, demo):
    assert set(listed(client, "?land=bayern&land=sachsen")) == BAYERN | SACHSEN


def test_filtering_by_network_lists_its_current_members(client, demo):
    response = client.get(URL + f"?netzwerk={LANDESNETZWERK_SLUG}")

    assert set(town_slugs(response)) == LANDESNETZWERK_SACHSEN_ANHALT
    assert result_count(response) == "9 Engagierte Städte"


def test_choosing_two_networks_lists_the_members_of_either_once(client, demo):
    slugs = listed(client, "?netzwerk=regionalnetzwerk-anhalt&netzwerk=tandem-wittenberg-radebeul-cottbus")

    assert sorted(slugs) == sorted(ANHALT | {"radebeul", "cottbus"})


def test_a_former_member_is_not_listed_under_the_network(client, demo):
    Membership.objects.filter(network__slug=LANDESNETZWERK_SLUG, city__slug="naumburg-saale").update(until="2025-12-31")

    response = client.get(URL + f"?netzwerk={LANDESNETZWERK_SLUG}")

    assert set(town_slugs(response)) == LANDESNETZWERK_SACHSEN_ANHALT - {"naumburg-saale"}
    assert result_count(response) == "8 Engagierte Städte"


def test_the_seven_towns_of_rhein_neckar_are_listed_under_their_network(client, demo):
    assert set(listed(client, "?netzwerk=regionalnetzwerk-metropolregion-rhein-neckar")) == RHEIN_NECKAR


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("tandem", TANDEM_TOWNS),
        ("regional", ANHALT | (BAYERN - {"ansbach", "neustadt-an-der-aisch", "rosenheim", "wuerzburg"}) | RHEIN_NECKAR),
        ("state", LANDESNETZWERK_SACHSEN_ANHALT | {"weisswasser-ol"} | BADEN_WUERTTEMBERG_NETWORK),
    ],
)
def test_filtering_by_network_kind_lists_towns_with_such_a_network(client, demo, kind, expected):
    assert set(listed(client, f"?art={kind}")) == expected


def test_network_kind_and_state_filters_combine(client, demo):
    assert set(listed(client, "?art=tandem&land=bayern")) == {"coburg", "kronach"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "?seit_von=2021&land=hessen",
            {
                "bad-hersfeld",
                "bad-nauheim",
                "bad-orb",
                "gelnhausen",
                "kaufungen",
                "lampertheim",
                "neuhof",
                "rosbach-vor-der-hoehe",
            },
        ),
        ("?seit_bis=2020&land=hessen", {"kassel", "marburg", "offenbach-am-main", "viernheim", "wetzlar"}),
        (
            "?seit_von=2016&seit_bis=2020",
            {
                "bad-sulza",
                "kassel",
                "lemgo",
                "neustadt-an-der-weinstrasse",
                "offenbach-am-main",
                "viernheim",
                "weinheim",
            },
        ),
        (
            "?seit_von=2015&seit_bis=2015",
            {
                "apolda",
                "bitburg",
                "bocholt",
                "dessau-rosslau",
                "koenigswinter",
                "lilienthal",
                "marburg",
                "rheinfelden-baden",
                "roesrath",
                "schwerte",
                "stendal",
                "wetzlar",
                "zwickau",
            },
        ),
    ],
)
def test_joining_year_range_includes_both_ends(client, demo, query, expected):
    assert set(listed(client, query)) == expected


@pytest.mark.parametrize(
    ("size", "examples"),
    [
        ("lt20", {"aken-elbe", "gardelegen", "kronach"}),  # 9,240; 11,868; 18,248
        ("20-50", {"stendal", "lemgo", "bitterfeld-wolfen"}),  # 37,722; 41,943; 36,592
        ("50-100", {"dessau-rosslau", "cottbus", "zwickau"}),  # 67,747; 84,754; 98,796
        ("gt100", {"ingolstadt", "aachen", "trier"}),  # 120,658; 265,208; 100,129
    ],
)
def test_filtering_by_size_class(client, demo, size, examples):
    found = set(listed(client, f"?groesse={size}"))

    assert found == SIZE_CLASSES[size]
    assert examples <= found
    assert not found & {"hohe-boerde", "daun", "berlin-schoeneweide"}  # no population known


def test_a_town_of_exactly_20000_belongs_to_the_larger_size_class(client, demo):
    City.objects.filter(slug="blankenburg-harz").update(population=20_000)

    assert "blankenburg-harz" not in listed(client, "?groesse=lt20")
    assert "blankenburg-harz" in listed(client, "?groesse=20-50")


@pytest.mark.parametrize(
    ("model", "expected"),
    [("provider", {"stendal", "gardelegen", "parchim"}), ("municipality", {"lemgo", "dessau-rosslau"})],
)
def test_filtering_by_coordination_model(client, demo, model, expected):
    assert set(listed(client, f"?koordination={model}")) == expected


def test_partner_state_filter_keeps_only_towns_in_states_with_a_partnership(client, demo):
    slugs = set(listed(client, "?laenderpartner=on"))

    assert slugs == IN_PARTNER_STATES
    assert slugs >= SACHSEN_ANHALT | BAYERN
    assert not slugs & (SACHSEN | {"cottbus", "lemgo", "parchim"})


def test_all_filters_together_narrow_to_their_intersection(client, demo):
    query = "?land=sachsen-anhalt&art=tandem&koordination=provider&groesse=20-50&laenderpartner=on&q=stadt"

    assert set(listed(client, query)) == {"stendal"}  # Gardelegen has 11,868 inhabitants
    assert "gardelegen" in listed(client, query.replace("groesse=20-50", "groesse=lt20"))


# --- sorting ---------------------------------------------------------------------------------


def test_towns_are_listed_by_name_by_default(client, demo):
    slugs = listed(client)

    assert slugs[0] == "aachen"
    assert slugs[-1] == "zwickau"


def test_sorting_by_name_descending_reverses_the_list(client, demo):
    slugs = listed(client, "?sortierung=-name")

    assert slugs[0] == "zwickau"
    assert slugs[-1] == "aachen"


@pytest.mark.parametrize(
    ("order", "first_three", "last"),
    [
        ("einwohner", ["bad-sulza", "aken-elbe", "bad-orb"], "bielefeld"),
        ("-einwohner", ["bielefeld", "aachen", "freiburg-im-breisgau"], "bad-sulza"),
    ],
)
def test_sorting_by_population_in_both_directions(client, demo, order, first_three, last):
    """The towns with a known population come first, in the chosen order; `last` closes them."""
    slugs = listed(client, f"?sortierung={order}")

    assert slugs[:3] == first_three
    assert slugs[len(POPULATION) - 1] == last


@pytest.mark.parametrize(("order", "latest_first"), [("beitritt", False), ("-beitritt", True)])
def test_sorting_by_joining_year_lists_known_years_first_and_the_rest_by_name(client, demo, order, latest_first):
    slugs = listed(client, f"?sortierung={order}")
    by_name = listed(client)
    known = sorted((slug for slug in by_name if JOIN_YEARS[slug]), key=JOIN_YEARS.get, reverse=latest_first)

    assert slugs[: len(known)] == known
    assert slugs[len(known) :] == [slug for slug in by_name if slug not in known]
    assert {"stendal", "lemgo", "parchim"} <= set(known)


def test_sorting_lists_towns_without_population_last_in_both_directions(client, demo):
    City.objects.filter(slug="kronach").update(population=None, population_year=None)
    with_population = set(POPULATION) - {"kronach"}

    for order in ("einwohner", "-einwohner"):
        slugs = listed(client, f"?sortierung={order}")
        assert set(slugs[: len(with_population)]) == with_population
        assert "kronach" in slugs[len(with_population) :]


@pytest.mark.parametrize("order", ["einwohner", "-einwohner"])
def test_towns_with_equal_values_are_sorted_by_name(client, demo, order):
    City.objects.filter(slug__in=["lemgo", "neumarkt-in-der-oberpfalz"]).update(population=41_000)
    slugs = listed(client, f"?sortierung={order}")

    assert slugs.index("lemgo") + 1 == slugs.index("neumarkt-in-der-oberpfalz")


def test_an_unknown_sort_order_falls_back_to_names(client, demo):
    response = client.get(URL + "?sortierung=zufall")

    assert response.status_code == 200
    assert town_slugs(response)[0] == "aachen"
    assert len(town_slugs(response)) == 24


# --- counts and chips --------------------------------------------------------------------------


def test_result_count_uses_the_singular_for_one_town(client, demo):
    response = client.get(URL + "?q=lemgo")

    assert town_slugs(response) == ["lemgo"]
    assert result_count(response) == "1 Engagierte Stadt"


def test_without_filters_there_are_no_chips(client, demo):
    assert chips(client.get(URL)) == {}


def test_each_chosen_value_gets_a_chip_that_removes_exactly_that_value(client, demo):
    response = client.get(URL + "?land=bayern&land=sachsen-anhalt&groesse=lt20&seite=1")
    found = chips(response)

    assert set(found) == {
        "Bundesland: Bayern",
        "Bundesland: Sachsen-Anhalt",
        "Einwohner: unter 20.000",
    }
    without_bayern = parse_qs(urlsplit(found["Bundesland: Bayern"]).query)
    assert without_bayern == {"land": ["sachsen-anhalt"], "groesse": ["lt20"]}
    without_size = parse_qs(urlsplit(found["Einwohner: unter 20.000"]).query)
    assert without_size == {"land": ["bayern", "sachsen-anhalt"]}

    after = client.get(URL + found["Bundesland: Bayern"])
    assert set(town_slugs(after)) == {"aken-elbe", "blankenburg-harz", "gardelegen", "graefenhainichen"}
    after = client.get(URL + found["Einwohner: unter 20.000"])
    assert set(town_slugs(after)) == SACHSEN_ANHALT | BAYERN


def test_chips_name_networks_kinds_years_and_search_in_german(client, demo):
    query = f"?netzwerk={LANDESNETZWERK_SLUG}&art=tandem&seit_von=2015&koordination=provider&laenderpartner=on&q=stadt"
    found = chips(client.get(URL + query))

    assert set(found) == {
        "Netzwerk: Landesnetzwerk Engagierte Städte Sachsen-Anhalt",
        "Art des Netzwerks: Tandem oder Austauschkreis",
        "Dabei seit (von): 2015",
        "Koordinierung: Freier Träger",
        "Nur Länder mit Länderpartnerschaft: ja",
        "Suche: stadt",
    }
    assert "q" not in parse_qs(urlsplit(found["Suche: stadt"]).query)
    assert "seit_von" not in parse_qs(urlsplit(found["Dabei seit (von): 2015"]).query)


def test_a_value_repeated_in_the_address_gets_one_chip(client, demo):
    links = page(client.get(URL + "?art=tandem&art=tandem")).find_all("a", class_="chip")

    assert len([link for link in links if "is-reset" not in link.get("class")]) == 1


def test_the_reset_chip_leads_to_the_unfiltered_directory(client, demo):
    reset = page(client.get(URL + "?land=bayern")).one("a", class_="is-reset")

    assert reset.get("href") == "/staedte/"


def test_the_sort_order_is_not_shown_as_a_filter_chip(client, demo):
    assert chips(client.get(URL + "?sortierung=-einwohner")) == {}


def test_chosen_filters_stay_selected_in_the_form(client, demo):
    form = page(client.get(URL + "?land=bayern&groesse=gt100")).one("form", id="staedte-filter")

    checked = {box.get("value") for box in form.find_all("input", name="land") if "checked" in box.attrs}
    assert checked == {"bayern"}
    selected = form.one("select", name="groesse").find("option", selected=True)
    assert selected.get("value") == "gt100"


# --- pagination ------------------------------------------------------------------------------


@pytest.fixture
def many_towns(demo):
    """30 more towns in Thüringen, so that the directory has three pages of 24."""
    state = State.objects.get(code="DE-TH")
    for number in range(1, 31):
        City.objects.create(name=f"Probestadt {number:02d}", state=state, population=10_000 + number)
    return 53


def test_the_second_page_continues_where_the_first_ends(client, many_towns):
    first = one_page(client)
    second_response = client.get(URL + "?seite=2")
    second = town_slugs(second_response)
    pages = [one_page(client, f"?seite={number}") for number in range(3, LAST_PAGE + 1)]

    assert (len(first), len(second), len(pages[-1])) == (24, 24, (len(ALL_TOWNS) + 30) % 24)
    assert not set(first) & set(second)
    listed_on_pages = set(first) | set(second) | {slug for slugs in pages for slug in slugs}
    assert listed_on_pages == ALL_TOWNS | {f"probestadt-{n:02d}" for n in range(1, 31)}
    assert "Seite 2" in page(second_response).find("title").text
    assert f"Seite 2 von {LAST_PAGE}" in page(second_response).one("nav", class_="pagination").text


def test_the_page_links_keep_the_filters(client, many_towns):
    response = client.get(URL + "?sortierung=einwohner&seite=2")
    links = page(response).one("nav", class_="pagination").find_all("a")

    queries = {link.get("rel"): parse_qs(urlsplit(link.get("href")).query) for link in links}
    assert queries["prev"] == {"sortierung": ["einwohner"], "seite": ["1"]}
    assert queries["next"] == {"sortierung": ["einwohner"], "seite": ["3"]}


@pytest.mark.parametrize(
    ("number", "shown"), [("99999", LAST_PAGE), (str(LAST_PAGE + 1), LAST_PAGE), ("abc", 1), ("", 1), ("2.5", 1)]
)
def test_a_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(client, many_towns, number, shown):
    response = client.get(URL + f"?seite={number}")

    assert response.status_code == 200
    assert town_slugs(response) == one_page(client, f"?seite={shown}")


@pytest.mark.parametrize("number", ["0", "-1", "-99999"])
def test_a_page_number_below_one_shows_the_first_page(client, many_towns, number):
    response = client.get(URL + f"?seite={number}")

    assert response.status_code == 200
    assert town_slugs(response) == one_page(client, "?seite=1")


# --- HTMX --------------------------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_results_fragment(client, demo):
    response = client.get(URL + "?land=sachsen", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert set(town_slugs(response)) == SACHSEN
    assert result_count(response) == "5 Engagierte Städte"
    assert "HX-Request" in response.headers["Vary"]


def test_a_normal_request_gets_the_full_page(client, demo):
    response = client.get(URL + "?land=sachsen")
    html = response.content.decode()

    assert "<html" in html and "<form" in html
    assert set(town_slugs(response)) == SACHSEN
    assert "HX-Request" in response.headers["Vary"]


def test_a_history_restore_request_gets_the_full_page(client, demo):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(URL + "?land=sachsen", headers=headers)
    html = response.content.decode()

    assert "<html" in html and "<form" in html
    assert set(town_slugs(response)) == SACHSEN


def _q(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


# --- the network picker: a search field and a few suggestions, not a checkbox per network ---------

HX = {"HX-Request": "true"}


def picker(response) -> dict[str, bool]:
    """The network checkboxes of the filter form as {slug: checked}."""
    choices = page(response).one(id="network-choices")
    return {box.get("value"): "checked" in box.attrs for box in choices.find_all("input", type="checkbox")}


def picker_hint(response) -> str:
    return page(response).one(id="network-choices-hint").text


def test_with_few_networks_the_picker_offers_all_of_them(client, demo):
    boxes = picker(client.get(URL))

    assert len(boxes) == 11 and not any(boxes.values())
    assert list(boxes)[:2] == ["bundesnetzwerk-engagierte-stadt", "engagierte-staedte-sachsen"]  # kind order


def test_with_many_networks_the_picker_suggests_fifteen_and_says_how_to_find_the_others(client, demo):
    crowd()
    response = client.get(URL)
    boxes = picker(response)
    total = Network.objects.count()

    assert len(boxes) == 15
    assert f"15 von {total} Netzwerken. Geben Sie einen Teil des Namens ein" in picker_hint(response)
    assert page(response).find("input", name="netzwerk_suche") is not None


def test_the_picker_search_finds_networks_by_part_of_their_name(client, demo):
    crowd()

    boxes = picker(client.get(URL + "?netzwerk_suche=altmark+07"))

    assert boxes == {"regionalnetzwerk-altmark-07": False}


def test_the_picker_suggests_the_networks_of_the_chosen_state(client, demo):
    response = client.get(URL + "?land=bayern")

    assert list(picker(response)) == ["regionalnetzwerk-engagierte-stadt-bayern", "austausch-coburg-kronach"]


def test_in_a_crowded_state_the_picker_says_where_its_suggestions_come_from(client, demo):
    crowd()
    response = client.get(URL + "?land=sachsen-anhalt&art=regional")
    in_scope = Network.objects.filter(states__slug="sachsen-anhalt", kind="regional").count()

    assert list(picker(response))[:2] == ["regionalnetzwerk-altmark-00", "regionalnetzwerk-altmark-01"]  # by name
    assert picker_hint(response).startswith(
        f"15 von {in_scope} Netzwerken der Art „Regionalnetzwerk“ in Sachsen-Anhalt."
    )


def test_chosen_networks_stay_ticked_beside_the_search_whatever_it_finds(client, demo):
    crowd()
    response = client.get(URL + f"?netzwerk={LANDESNETZWERK_SLUG}&netzwerk_suche=altmark")
    boxes = picker(response)

    assert boxes[LANDESNETZWERK_SLUG] is True
    assert sum(boxes.values()) == 1 and len(boxes) == 1 + 15
    assert "weiteren Netzwerken mit „altmark“ im Namen" in picker_hint(response)
    # The search term is no filter of the towns.
    assert result_count(response) == result_count(client.get(URL + f"?netzwerk={LANDESNETZWERK_SLUG}"))


def test_htmx_asks_for_the_picker_choices_alone(client, demo):
    crowd()
    response = client.get(URL + "?teil=netzwerke&netzwerk_suche=altmark&land=sachsen-anhalt", headers=HX)
    html = response.content.decode()

    assert "<form" not in html and "city-card" not in html
    assert len(picker(client.get(URL + "?netzwerk_suche=altmark&land=sachsen-anhalt"))) == 15
    assert html.count('type="checkbox"') == 15
    assert len(gzip.compress(response.content)) < 2_000


def test_the_picker_works_as_a_plain_form_without_javascript(client, demo):
    form = page(client.get(URL + "?netzwerk_suche=anhalt")).one("form", id="staedte-filter")
    data = form_data(form)

    assert data["netzwerk_suche"] == ["anhalt"]
    assert set(picker(client.get(URL + "?netzwerk_suche=anhalt"))) == {
        LANDESNETZWERK_SLUG,
        "regionalnetzwerk-anhalt",
    }


def test_the_state_and_kind_groups_refresh_the_picker_through_htmx(client, demo):
    root = page(client.get(URL))
    choices = root.one(id="network-choices")

    assert choices.get("hx-trigger") == "change from:#network-scope"
    scope = root.one(id="network-scope")
    assert scope.find("input", name="land") is not None and scope.find("input", name="art") is not None


# --- the map: in the page, fetched separately by htmx result lists, a density map when large -------


def test_an_htmx_result_list_fetches_its_map_separately(client, demo):
    fragment = page(client.get(URL + "?land=sachsen-anhalt", headers=HX))

    assert fragment.find("svg") is None
    placeholder = fragment.one(class_="map-box")
    assert placeholder.get("hx-get") == "?land=sachsen-anhalt&teil=karte"
    assert placeholder.get("hx-trigger") == "load"

    map_part = client.get(URL + "?land=sachsen-anhalt&teil=karte", headers=HX)
    svg = page(map_part).one("svg")
    assert "<form" not in map_part.content.decode()
    assert len(svg.find_all("a", class_="map-link")) == len(SACHSEN_ANHALT) - 1  # Hohe Börde has no place


def test_a_full_page_has_its_map_inline(client, demo):
    root = page(client.get(URL + "?land=sachsen-anhalt"))

    assert len(root.one(class_="map-box").one("svg").find_all("a", class_="map-link")) == len(SACHSEN_ANHALT) - 1


def test_without_htmx_the_part_parameter_is_ignored(client, demo):
    html = client.get(URL + "?teil=karte").content.decode()

    assert "<form" in html and "city-card" in html


def test_up_to_a_hundred_towns_the_map_links_every_town(client, demo):
    points = City.objects.active().map_points()

    assert not points.clustered
    located = {slug for slug, entry in read_data(DATA_FILES)["gazetteer"].items()}
    assert {point["url"] for point in points} == {f"/staedte/{slug}/" for slug in located}
    assert len(points) == 97 and all(point["url"].startswith("/staedte/") for point in points)


def test_above_a_hundred_towns_the_map_gathers_nearby_towns_into_one_dot(client, demo):
    crowd()
    towns = City.objects.active().exclude(latitude=None)
    points = towns.map_points()

    assert points.clustered
    assert sum(int(p["name"].split()[0]) if p["url"] is None else 1 for p in points) == towns.count()
    for point in points:
        if point["url"] is None:
            assert point["name"].endswith("Engagierte Städte in dieser Gegend") and "is-cluster" in point["css_class"]
    svg = page(client.get(URL)).one(class_="map-box")
    assert "Ein größerer Punkt fasst mehrere Städte einer Gegend zusammen" in svg.text
    assert len(svg.find_all("circle")) == len(points) < towns.count()


def test_the_map_needs_the_same_queries_for_a_few_and_for_many_towns(client, demo):
    with CaptureQueriesContext(connection) as few:
        City.objects.active().map_points()
    crowd()
    with CaptureQueriesContext(connection) as many:
        City.objects.active().map_points()

    assert len(few.captured_queries) == len(many.captured_queries) == 2


# --- towns of a meeting (linked from crowded meeting pages) ----------------------------------------


def test_the_directory_lists_the_towns_of_a_meeting_with_a_chip(client, demo):
    response = client.get(URL + "?treffen=bundesnetzwerktreffen-2025-wittenberg")
    meeting = Meeting.objects.get(slug="bundesnetzwerktreffen-2025-wittenberg")
    expected = set(meeting.participating_cities.values_list("slug", flat=True)) | set(
        meeting.host_cities.values_list("slug", flat=True)
    )

    assert set(town_slugs(response)) == expected
    assert [label for label in chips(response) if label.startswith("Treffen: ")] == [f"Treffen: {meeting}"]
    hidden = page(response).one("input", type="hidden", name="treffen")
    assert hidden.get("value") == "bundesnetzwerktreffen-2025-wittenberg"


def test_an_unknown_meeting_is_reported_like_any_bad_filter(client, demo):
    response = client.get(URL + "?treffen=gibt-es-nicht")

    assert response.status_code == 200
    assert "Treffen:" in page(response).one(class_="notice").text


def test_a_town_card_names_six_networks_and_links_to_the_town_for_the_others(client, demo):
    crowd()
    coburg = City.objects.get(slug="coburg")
    Membership.objects.bulk_create(
        Membership(city=coburg, network=network)
        for network in Network.objects.filter(slug__startswith="regionalnetzwerk-altmark")[:8]
    )
    total = Membership.objects.current().filter(city=coburg).exclude(network__kind="federal").count()

    cards = page(client.get(URL + "?q=coburg")).one("ol", class_="city-cards")
    tags = cards.one("ul", class_="tag-list")

    assert len(tags.find_all("li")) == 6 + 1
    assert tags.links()[-1] == "/staedte/coburg/#netzwerke"
    assert tags.find_all("li")[-1].text == f"und {total - 6} weitere Netzwerke von Coburg"


@pytest.mark.parametrize("bad", ["gibt-es-nicht", "a\x00b", "x" * 10_000])
def test_an_unknown_network_keeps_the_known_ones_ticked_in_the_picker(client, demo, bad):
    response = client.get(URL, {"netzwerk": [LANDESNETZWERK_SLUG, bad]})

    assert response.status_code == 200
    assert picker(response)[LANDESNETZWERK_SLUG] is True
    assert "Netzwerk:" in page(response).one(class_="notice").text


@pytest.mark.parametrize("name", ["netzwerk_suche", "teil", "treffen", "netzwerk"])
@pytest.mark.parametrize("value", ["a\x00b", "x" * 10_000, "' OR 1=1 --", "%", "karte"])
@pytest.mark.parametrize("htmx", [False, True])
def test_hostile_values_of_the_new_parameters_never_break_the_directory(client, demo, name, value, htmx):
    response = client.get(URL, {name: value, "land": "sachsen-anhalt"}, headers=HX if htmx else {})

    assert response.status_code == 200


# --- former members ----------------------------------------------------------------------------


@pytest.fixture
def zwickau_left(demo):
    """Zwickau as a town that left the programme: inactive, its Bundesnetzwerk membership ended."""
    City.objects.filter(slug="zwickau").update(active=False)
    Membership.objects.filter(city__slug="zwickau", network__kind="federal").update(until="2024-12-31")


def test_towns_that_left_are_not_listed_as_members(client, zwickau_left):
    assert "zwickau" not in listed(client)
    assert "zwickau" not in listed(client, "?land=sachsen")
    # The address without any parameter, too: its count and its map leave Zwickau out.
    root = page(client.get(URL))
    assert result_count(client.get(URL)) == f"{len(ALL_TOWNS) - 2} Engagierte Städte und 1 Engagiertes Land"
    assert "/staedte/zwickau/" not in root.one(class_="map-box").links()


def test_towns_that_left_stay_findable_as_former_members(client, zwickau_left):
    response = client.get(URL + "?mitgliedschaft=ehemalig")

    assert town_slugs(response) == ["zwickau"]
    card = page(response).one("li", class_="city-card")
    assert "ehemalige Engagierte Stadt" in card.text
    assert list(chips(response).values()) == ["?"]  # removing the chip shows today's members again
    assert "ehemalige Mitglieder" in next(iter(chips(response)))
    assert set(listed(client, "?mitgliedschaft=alle&land=sachsen")) == SACHSEN
    assert "Im Programm 2015 bis 2024" in page(client.get("/staedte/zwickau/")).section("fakten").text


def test_an_unknown_membership_choice_is_named_and_the_members_are_listed(client, demo):
    response = client.get(URL + "?mitgliedschaft=vielleicht")

    assert response.status_code == 200
    assert "vielleicht" in page(response).one("div", class_="results-head").text
    assert set(town_slugs(response)) <= ALL_TOWNS and len(town_slugs(response)) == 24


# --- on phones and the map (the filter button: tests/public/test_list_pages.py) ------------------


def test_a_filtered_map_zooms_to_the_found_towns_and_the_whole_list_shows_germany(client, demo):
    filtered = page(client.get(URL + "?land=hessen")).one(class_="map-box")
    whole = page(client.get(URL)).one(class_="map-box")

    assert filtered.one("g", class_="map-states").get("transform", "").startswith("scale(")
    assert "Ausschnitt" in filtered.one("p", class_="hint").text
    assert whole.one("g", class_="map-states").get("transform") is None


def test_an_empty_result_offers_no_downloads(client, demo):
    root = page(client.get(URL + "?q=gibtesnicht"))

    assert root.find("a", href="/staedte/export.csv?q=gibtesnicht") is None
    assert "export.json" not in " ".join(root.one("div", id="results").links())
    assert "/staedte/export.csv?land=hessen" in page(client.get(URL + "?land=hessen")).one("div", id="results").links()


def test_the_name_order_is_offered_once(client, demo):
    select = page(client.get(URL)).one("select", id="id_sortierung")
    labels = [option.text for option in select.find_all("option")]

    assert labels[0] == "Name (A–Z)" and labels.count("Name (A–Z)") == 1
    assert "Name (Z–A)" in labels and "Größe (größte zuerst)" in labels
    assert listed(client, "?sortierung=name") == listed(client)  # old links with the spelt-out order still work


def test_the_count_never_calls_a_town_of_the_sister_programme_an_engagierte_stadt(client, demo):
    assert result_count(client.get(URL + "?q=aken")) == "1 Engagiertes Land"
    assert result_count(client.get(URL + "?land=sachsen-anhalt")) == "9 Engagierte Städte und 1 Engagiertes Land"
    assert result_count(client.get(URL + "?land=sachsen")) == "5 Engagierte Städte"
