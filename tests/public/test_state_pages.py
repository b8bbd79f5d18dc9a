"""The 16 states /laender/ and a state's page /laender/<slug>/ with its Länderpartnerschaft."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City
from networks.models import Network
from tests.pages import page
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db

COMMITMENTS_OF_THE_NETWORK = 8
COMMITMENTS_OF_THE_STATE = 7


def state_rows(response) -> dict[str, list[str]]:
    """The table of /laender/ as {state name: [towns, networks, partnership]}."""
    table = page(response).one("table")
    rows = {}
    for row in table.one("tbody").find_all("tr"):
        name = row.one("th", scope="row").text
        rows[name] = [cell.text for cell in row.find_all("td")]
    return rows


def test_states_list_shows_all_sixteen_states_with_links(client, demo):
    response = client.get("/laender/")
    rows = state_rows(response)

    assert response.status_code == 200
    assert len(rows) == 16
    assert {"Bayern", "Sachsen-Anhalt", "Thüringen", "Baden-Württemberg", "Berlin", "Bremen"} <= set(rows)
    links = page(response).one("tbody").links()
    assert "/laender/sachsen-anhalt/" in links and "/laender/thueringen/" in links
    assert "/laender/baden-wuerttemberg/" in links


@pytest.mark.parametrize(
    ("state", "count"),
    [
        ("Sachsen-Anhalt", "9"),  # Aken (Elbe), an "Engagiertes Land", is not counted
        ("Bayern", "12"),
        ("Sachsen", "5"),
        ("Brandenburg", "3"),
        ("Nordrhein-Westfalen", "16"),
        ("Mecklenburg-Vorpommern", "4"),
        ("Berlin", "1"),
        ("Hessen", "13"),
        ("Baden-Württemberg", "11"),
        ("Niedersachsen", "8"),
        ("Rheinland-Pfalz", "9"),
        ("Schleswig-Holstein", "5"),
        ("Thüringen", "3"),
        ("Hamburg", "1"),
        ("Bremen", "0"),
        ("Saarland", "0"),
    ],
)
def test_states_list_counts_the_member_towns_of_each_state(client, demo, state, count):
    assert state_rows(client.get("/laender/"))[state][0] == count


def test_former_members_are_not_counted(client, demo):
    City.objects.filter(slug="radebeul").update(active=False)

    assert state_rows(client.get("/laender/"))["Sachsen"][0] == "4"


@pytest.mark.parametrize(
    ("state", "partnership"),
    [
        ("Rheinland-Pfalz", "1. Länderpartner seit 14. September 2020"),
        ("Hessen", "2. Länderpartner seit 25. Mai 2021"),
        ("Schleswig-Holstein", "3. Länderpartner seit Oktober 2021"),
        ("Bayern", "4. Länderpartner seit 16. September 2024"),
        ("Sachsen-Anhalt", "5. Länderpartner seit 16. Mai 2025"),
        ("Thüringen", "–"),
        ("Sachsen", "–"),
    ],
)
def test_states_list_shows_the_partnership_ordinal_and_date(client, demo, state, partnership):
    assert state_rows(client.get("/laender/"))[state][2] == partnership


def test_states_list_names_the_networks_of_each_state_but_not_the_federal_one(client, demo):
    rows = state_rows(client.get("/laender/"))

    # The state network first, then regional networks and tandems (the order of the network list).
    assert rows["Sachsen-Anhalt"][1] == (
        "Landesnetzwerk Sachsen-Anhalt, Regionalnetzwerk Anhalt, Austauschkreis Stendal–Lemgo–Parchim–Gardelegen, "
        "Tandem Wittenberg–Radebeul–Cottbus"
    )
    assert rows["Baden-Württemberg"][1] == "Landesnetzwerk Baden-Württemberg, Regionalnetzwerk MRN"
    assert rows["Thüringen"][1] == "–"
    assert not any("Bundesnetzwerk" in cells[1] for cells in rows.values())


def test_states_list_is_an_accessible_table(client, demo):
    table = page(client.get("/laender/")).one("table")

    assert table.one("caption").text
    assert [th.text for th in table.one("thead").find_all("th", scope="col")] == [
        "Land",
        "Engagierte Städte",
        "Netzwerke",
        "Länderpartnerschaft",
    ]


# --- a state's page ------------------------------------------------------------------------------


def partnership_facts(response) -> dict[str, str]:
    dl = page(response).section("partnerschaft").one("dl")
    return {dt.text: dd.text for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}


def test_state_page_of_sachsen_anhalt_shows_the_partnership(client, demo):
    response = client.get("/laender/sachsen-anhalt/")
    root = page(response)

    assert response.status_code == 200
    assert root.one("h1").text == "Sachsen-Anhalt"
    assert root.one("p", class_="lead").text == (
        "9 Engagierte Städte im Verzeichnis. Sachsen-Anhalt ist 5. Länderpartner des Programms."
    )
    assert partnership_facts(response) == {
        "Länderpartner": "Nr. 5",
        "Länderpartner seit": "16. Mai 2025",
        "Ort": "Lutherstadt Wittenberg",
        "Partnerorganisationen": "Land Sachsen-Anhalt"
        "Landesarbeitsgemeinschaft der Freiwilligenagenturen Sachsen-Anhalt e.V.",
    }


def test_state_page_lists_the_commitments_of_both_sides(client, demo):
    section = page(client.get("/laender/sachsen-anhalt/")).section("partnerschaft")
    headings = [h3.text for h3 in section.find_all("h3")]
    lists = section.find_all("ul")

    assert headings == [
        "Das Netzwerk „Engagierte Stadt“ …",
        "Die Länderpartner …",
    ]  # "… stärken die Selbstorganisation"
    network_side = [li.text for li in lists[0].find_all("li")]
    state_side = [li.text for li in lists[1].find_all("li")]
    assert len(network_side) == COMMITMENTS_OF_THE_NETWORK and len(state_side) == COMMITMENTS_OF_THE_STATE
    assert network_side[0] == "verstärkt den Wissenstransfer aus dem Bundesnetzwerk in die Bundesländer"
    assert state_side[-1] == "stärken die Selbstorganisation der Städte"


def test_state_page_lists_its_towns_and_links_to_the_filtered_directory(client, demo):
    section = page(client.get("/laender/sachsen-anhalt/")).section("staedte")
    towns = [link for link in section.links() if link.startswith("/staedte/") and link.count("/") == 3]

    assert len(towns) == 10
    assert "/staedte/dessau-rosslau/" in towns and "/staedte/aken-elbe/" in towns
    assert "/staedte/lemgo/" not in towns
    assert "/staedte/?land=sachsen-anhalt" in section.links()
    assert "Stendal (Hansestadt) seit 2015 · 37.722 Einw." in section.text


def test_state_page_lists_the_networks_of_the_state_with_member_counts(client, demo):
    section = page(client.get("/laender/sachsen-anhalt/")).section("netzwerke")
    items = {li.find("strong").text: li.text for li in section.find_all("li")}

    assert set(items) == {
        "Landesnetzwerk Engagierte Städte Sachsen-Anhalt",
        "Regionalnetzwerk Anhalt",
        "Austauschkreis Stendal, Lemgo, Parchim und Gardelegen",
        "Tandem Lutherstadt Wittenberg – Radebeul – Cottbus",
    }
    assert "9 Mitgliedsstädte im Verzeichnis" in items["Landesnetzwerk Engagierte Städte Sachsen-Anhalt"]
    assert "5 Mitgliedsstädte im Verzeichnis" in items["Regionalnetzwerk Anhalt"]


def test_state_page_of_bavaria_names_no_signatory_that_no_source_names(client, demo):
    found = partnership_facts(client.get("/laender/bayern/"))

    assert "Unterzeichnende" not in found
    assert found["Länderpartner seit"] == "16. September 2024"  # celebrated at the meeting in Würzburg


def test_state_page_highlights_the_state_on_the_map(client, demo):
    svg = page(client.get("/laender/sachsen-anhalt/")).section("karte").one("svg")

    assert [path.get("data-state") for path in svg.find_all("path", class_="is-highlighted")] == ["DE-ST"]
    assert len(svg.find_all("a", class_="map-link")) == 9  # all but Hohe Börde, which has no place


def test_a_state_without_towns_or_partnership_says_so(client, demo):
    response = client.get("/laender/saarland/")
    root = page(response)

    assert response.status_code == 200
    assert root.one("p", class_="lead").text == "Noch keine Engagierte Stadt im Verzeichnis."
    assert root.find("section", **{"aria-labelledby": "partnerschaft"}) is None
    assert "Im Saarland ist noch keine Engagierte Stadt eingetragen." in root.section("staedte").text
    assert "Kein Netzwerk mit Bezug zum Saarland eingetragen." in root.section("netzwerke").text


def test_a_state_with_one_town_uses_the_singular(client, demo):
    assert page(client.get("/laender/berlin/")).one("p", class_="lead").text == ("1 Engagierte Stadt im Verzeichnis.")


@pytest.mark.parametrize("slug", ["thueringen", "baden-wuerttemberg", "mecklenburg-vorpommern"])
def test_state_addresses_are_ascii(client, demo, slug):
    assert client.get(f"/laender/{slug}/").status_code == 200


@pytest.mark.parametrize("slug", ["atlantis", "thüringen", "Bayern"])
def test_an_unknown_state_gives_the_german_not_found_page(client, demo, slug):
    response = client.get(f"/laender/{slug}/")

    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in page(response).one("h1").text


# --- crowded states: the lists are capped and link to the directories -----------------------------


def test_states_list_names_four_networks_and_links_to_the_others(client, demo):
    crowd()
    in_state = Network.objects.filter(states__slug="sachsen-anhalt").exclude(kind="federal").count()

    row = page(client.get("/laender/")).one("table").one("tbody").find_all("tr")
    sachsen_anhalt = next(tr for tr in row if tr.one("th", scope="row").text == "Sachsen-Anhalt")
    cell = sachsen_anhalt.find_all("td")[1]

    assert len(cell.links()) == 4 + 1
    assert cell.links()[-1] == "/netzwerke/?land=sachsen-anhalt"
    assert cell.text.endswith(f"und {in_state - 4} weitere Netzwerke in Sachsen-Anhalt")


def test_a_crowded_state_page_lists_thirty_towns_and_twenty_networks_with_links_to_all(client, demo):
    crowd()
    towns = City.objects.active().filter(state__slug="sachsen-anhalt").count()
    networks = Network.objects.filter(states__slug="sachsen-anhalt").count()
    root = page(client.get("/laender/sachsen-anhalt/"))

    town_section = root.section("staedte")
    town_links = [link for link in town_section.links() if link.count("/") == 3]
    assert len(town_links) == 30
    assert f"30 von {towns} Städten, nach Namen." in town_section.text
    assert f"Alle {towns} Städte in Sachsen-Anhalt im Städteverzeichnis" in town_section.text
    assert "/staedte/?land=sachsen-anhalt" in town_section.links()

    network_section = root.section("netzwerke")
    assert len(network_section.find_all("li")) == 20
    assert network_section.links()[-1] == "/netzwerke/?land=sachsen-anhalt"
    assert f"Alle {networks} Netzwerke in Sachsen-Anhalt" in network_section.text


def test_state_pages_need_the_same_queries_when_crowded(client, demo):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = [queries("/laender/"), queries("/laender/sachsen-anhalt/")]
    crowd()

    assert [queries("/laender/"), queries("/laender/sachsen-anhalt/")] == before
