"""The membership table /mitgliedschaften/: towns as rows, networks as columns."""

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City
from networks.models import Membership
from tests.pages import chips, page, result_count
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db

URL = "/mitgliedschaften/"


def matrix(response) -> tuple[list[str], dict[str, list[bool]]]:
    """(column headings, {row heading: [member?, …]}) of the table."""
    table = page(response).one("table", class_="matrix")
    columns = [th.find("a").text for th in table.one("thead").find_all("th", scope="col")[1:]]
    rows = {}
    for tr in table.one("tbody").find_all("tr"):
        town = tr.one("th", scope="row").find("a").text
        rows[town] = ["is-member" in td.get("class", "").split() for td in tr.find_all("td")]
    return columns, rows


COLUMNS = [
    "Sachsen",
    "Landesnetzwerk Baden-Württemberg",
    "Landesnetzwerk Sachsen-Anhalt",
    "Regionalnetzwerk Anhalt",
    "Regionalnetzwerk Bayern",
    "Regionalnetzwerk MRN",
    "Austausch Coburg – Kronach",
    "Austauschkreis Stendal–Lemgo–Parchim–Gardelegen",
    "Tandem Wittenberg–Radebeul–Cottbus",
]
TOWNS = 101
ROWS_PER_PAGE = 60


def all_rows(client, query="") -> tuple[list[str], dict[str, list[bool]]]:
    """`matrix()` over every page of rows."""
    columns, rows = matrix(client.get(URL + query))
    number = 1
    while len(rows) % ROWS_PER_PAGE == 0 and rows:
        number += 1
        separator = "&" if query else "?"
        more_columns, more = matrix(client.get(f"{URL}{query}{separator}seite={number}"))
        if set(more) <= set(rows):
            break
        assert more_columns == columns
        rows.update(more)
    return columns, rows


def test_matrix_is_a_real_table_with_caption_and_scoped_headers(client, demo):
    response = client.get(URL)
    table = page(response).one("table", class_="matrix")

    assert response.status_code == 200
    assert table.one("caption").text == (
        f"Mitgliedschaften der Engagierten Städte in Netzwerken, Städte 1 bis {ROWS_PER_PAGE} von {TOWNS} (✓ = Mitglied)"
    )
    column_headers = table.one("thead").find_all("th", scope="col")
    assert column_headers[0].text == "Stadt"
    assert len(column_headers) == 1 + len(COLUMNS)
    row_headers = table.one("tbody").find_all("th", scope="row")
    assert len(row_headers) == ROWS_PER_PAGE
    assert all(len(tr.find_all("td")) == len(COLUMNS) for tr in table.one("tbody").find_all("tr"))
    assert not table.find_all("th", scope=None)


def test_matrix_hides_the_federal_network_and_networks_without_listed_members(client, demo):
    columns, _ = matrix(client.get(URL))

    assert columns == COLUMNS
    assert result_count(client.get(URL)) == f"{TOWNS} Städte × {len(COLUMNS)} Netzwerke"


def test_matrix_ticks_exactly_the_current_memberships(client, demo):
    columns, rows = all_rows(client)
    stendal = dict(zip(columns, rows["Stendal (Hansestadt)"], strict=True))

    assert len(rows) == TOWNS
    assert [name for name, member in stendal.items() if member] == [
        "Landesnetzwerk Sachsen-Anhalt",
        "Austauschkreis Stendal–Lemgo–Parchim–Gardelegen",
    ]
    current = Membership.objects.current().exclude(network__kind="federal").count()
    assert sum(sum(cells) for cells in rows.values()) == current


def test_matrix_cells_are_readable_without_the_tick_symbol(client, demo):
    rows = page(client.get(URL + "?land=bayern")).one("tbody").find_all("tr")
    coburg = next(tr for tr in rows if "Coburg" in tr.one("th", scope="row").text)

    assert [td.text for td in coburg.find_all("td")] == ["✓Mitglied", "✓Mitglied"]  # in both
    assert [td.text for td in rows[0].find_all("td")] == ["kein Mitglied", "kein Mitglied"]  # Ansbach


def test_a_former_membership_is_not_ticked(client, demo):
    Membership.objects.filter(
        network__slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt", city__slug="naumburg-saale"
    ).update(until="2025-12-31")

    _columns, rows = all_rows(client)

    assert "Naumburg (Saale)" in rows
    assert not any(rows["Naumburg (Saale)"])


def test_filtering_by_state_keeps_its_towns_and_their_networks(client, demo):
    response = client.get(URL + "?land=bayern")
    columns, rows = matrix(response)

    assert columns == ["Regionalnetzwerk Bayern", "Austausch Coburg – Kronach"]
    assert set(rows) == {
        "Ansbach",
        "Puchheim",
        "Ingolstadt",
        "Eichstätt",
        "Neumarkt i.d.OPf.",
        "Neustadt an der Aisch",
        "Holzkirchen (Markt)",
        "Coburg",
        "Kronach",
        "Kaufbeuren",
        "Rosenheim",
        "Würzburg",
    }
    assert rows["Ingolstadt"] == [True, False]
    assert rows["Kronach"] == [True, True]
    assert rows["Würzburg"] == [False, False]
    assert result_count(response) == "12 Städte × 2 Netzwerke"


def test_filtering_by_kind_chooses_the_columns(client, demo):
    columns, rows = all_rows(client, "?art=tandem")

    assert columns == [
        "Austausch Coburg – Kronach",
        "Austauschkreis Stendal–Lemgo–Parchim–Gardelegen",
        "Tandem Wittenberg–Radebeul–Cottbus",
    ]
    assert len(rows) == TOWNS
    assert rows["Wittenberg (Lutherstadt)"] == [False, False, True]


def test_choosing_the_federal_kind_shows_it_with_every_town_ticked(client, demo):
    columns, rows = matrix(client.get(URL + "?art=federal"))

    assert columns == ["Bundesnetzwerk"]
    # Aken (Elbe) belongs to the sister programme "Engagiertes Land", not to the Bundesnetzwerk.
    assert rows.pop("Aken (Elbe)") == [False]
    assert all(cells == [True] for cells in rows.values())


def test_state_and_kind_filters_combine(client, demo):
    columns, rows = matrix(client.get(URL + "?land=sachsen-anhalt&art=state&art=regional"))

    assert columns == ["Landesnetzwerk Sachsen-Anhalt", "Regionalnetzwerk Anhalt"]
    assert rows["Aken (Elbe)"] == [False, True]
    assert rows["Stendal (Hansestadt)"] == [True, False]
    assert len(rows) == 10


def test_matrix_without_memberships_shows_the_empty_state(client, demo):
    response = client.get(URL + "?land=berlin")

    assert page(response).find("table") is None
    assert "Für diese Auswahl gibt es keine Mitgliedschaften." in page(response).one(class_="empty").text


def test_matrix_headers_link_to_network_and_town_pages(client, demo):
    table = page(client.get(URL + "?land=sachsen")).one("table")

    assert table.one("thead").links() == [
        "/netzwerke/engagierte-staedte-sachsen/",
        "/netzwerke/tandem-wittenberg-radebeul-cottbus/",
    ]
    assert table.one("tbody").links() == [
        "/staedte/bautzen/",
        "/staedte/hoyerswerda/",
        "/staedte/radebeul/",
        "/staedte/weisswasser-ol/",
        "/staedte/zwickau/",
    ]


def test_matrix_filter_chips(client, demo):
    found = chips(client.get(URL + "?land=bayern&art=tandem"))

    assert set(found) == {"Bundesland: Bayern", "Art des Netzwerks: Tandem oder Austauschkreis"}
    assert found["Bundesland: Bayern"] == "?art=tandem"


def test_matrix_answers_htmx_with_the_table_only(client, demo):
    response = client.get(URL + "?land=bayern", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert "<html" not in html and "<form" not in html
    assert matrix(response)[0] == ["Regionalnetzwerk Bayern", "Austausch Coburg – Kronach"]
    assert "HX-Request" in response.headers["Vary"]


# --- many networks: the columns are paged -----------------------------------------------------------


def test_the_matrix_shows_twelve_networks_at_a_time_and_pages_through_the_others(client, demo):
    crowd()
    response = client.get(URL + "?land=sachsen-anhalt")
    columns, rows = matrix(response)
    root = page(response)
    nav = root.one("nav", class_="column-pagination")
    total = int(result_count(response).split(" × ")[1].split()[0])

    assert len(columns) == 12 and total > 24
    assert all(len(cells) == 12 for cells in rows.values())
    assert nav.text.startswith(f"Netzwerke 1–12 von {total}")
    assert nav.links() == ["?land=sachsen-anhalt&spalten=2"]
    caption = root.one("caption").text
    assert caption == f"Mitgliedschaften der Engagierten Städte in Netzwerken 1 bis 12 von {total} (✓ = Mitglied)"

    second = client.get(URL + "?land=sachsen-anhalt&spalten=2")
    second_columns, second_rows = matrix(second)
    assert len(second_columns) == 12 and not set(second_columns) & set(columns)
    assert set(second_rows) == set(rows)
    assert page(second).one("nav", class_="column-pagination").links() == [
        "?land=sachsen-anhalt&spalten=1",
        "?land=sachsen-anhalt&spalten=3",
    ]


def test_the_column_pages_tick_the_same_memberships_as_one_wide_table(client, demo):
    crowd()
    ticked = 0
    number = 1
    while True:
        response = client.get(URL + f"?land=sachsen-anhalt&art=regional&spalten={number}")
        _, rows = matrix(response)
        ticked += sum(sum(cells) for cells in rows.values())
        nav = page(response).find("nav", class_="column-pagination")
        if nav is None or "Weitere Netzwerke" not in nav.text:
            break
        number += 1

    towns = City.objects.active().filter(state__slug="sachsen-anhalt")
    assert towns.count() <= 60  # one page of rows
    assert ticked == Membership.objects.current().filter(city__in=towns, network__kind="regional").count()


@pytest.mark.parametrize("number", ["0", "-1", "x", "999"])
def test_a_column_page_out_of_range_gives_the_nearest(client, demo, number):
    response = client.get(URL + f"?spalten={number}")

    assert response.status_code == 200
    assert len(matrix(response)[0]) == len(COLUMNS)


def test_the_matrix_answers_in_fixed_size_however_many_networks(client, demo, django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as small:
        client.get(URL, headers={"HX-Request": "true"})
    # Committed, as in production: the new networks make a new state of the directory.
    with django_capture_on_commit_callbacks(execute=True):
        crowd()
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL, headers={"HX-Request": "true"})

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(matrix(response)[0]) == 12
    assert len(gzip.compress(response.content)) < 8_000


@pytest.mark.parametrize("value", ["a\x00b", "x" * 10_000, "-1", "1e309"])
def test_hostile_column_pages_never_break_the_matrix(client, demo, value):
    assert client.get(URL, {"spalten": value}).status_code == 200
