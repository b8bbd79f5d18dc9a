"""The site-wide search /suche/ over towns, networks, organisations and meetings."""

from urllib.parse import urlencode

import pytest

from cities.models import City, State
from tests.pages import page

pytestmark = pytest.mark.django_db


def search(client, query: str):
    response = client.get("/suche/?" + urlencode({"q": query}))
    assert response.status_code == 200
    return response


def hits(response) -> dict[str, list[str]]:
    """{section id: [text of each hit]} for every kind of result."""
    root = page(response)
    found = {}
    for kind in (
        "s-staedte",
        "s-netzwerke",
        "s-personen",
        "s-kampagnen",
        "s-organisationen",
        "s-treffen",
        "s-berichte",
    ):
        section = root.find("section", **{"aria-labelledby": kind})
        found[kind] = [li.text for li in section.find_all("li")] if section is not None else []
    return found


def links(response, kind: str) -> list[str]:
    """The hits listed for one kind (the links of its list, not the "all results" hint)."""
    section = page(response).find("section", **{"aria-labelledby": kind})
    return section.find("ul").links() if section is not None else []


def test_search_page_without_query_shows_only_the_form(client, demo):
    response = client.get("/suche/")
    root = page(response)

    assert response.status_code == 200
    assert root.one("h1").text == "Suche"
    assert root.find("input", name="q") is not None
    assert root.find(class_="result-count") is None
    assert not any(hits(response).values())


def test_search_for_stadt_finds_all_four_kinds(client, demo):
    response = search(client, "stadt")
    found = hits(response)

    assert {"/staedte/stendal/", "/staedte/wittenberg/", "/staedte/ingolstadt/"} <= set(links(response, "s-staedte"))
    assert "/netzwerke/bundesnetzwerk-engagierte-stadt/" in links(response, "s-netzwerke")
    assert "Deutscher Städtetag Verein oder Verband" in found["s-organisationen"]
    assert "/treffen/bundesnetzwerktreffen-2025-wittenberg/" in links(response, "s-treffen")
    total = sum(len(items) for items in found.values())
    assert page(response).one(class_="result-count").text == f"{total} Treffer für „stadt“."


@pytest.mark.parametrize("query", ["rosslau", "ROẞLAU", "Roßlau"])
def test_search_finds_towns_whatever_the_spelling(client, demo, query):
    assert links(search(client, query), "s-staedte") == ["/staedte/dessau-rosslau/"]


def test_search_finds_weisswasser_and_its_meeting(client, demo):
    response = search(client, "weisswasser")

    assert links(response, "s-staedte") == ["/staedte/weisswasser-ol/"]
    assert "/treffen/netzwerktreffen-sachsen-weisswasser-2025/" in links(response, "s-treffen")


def test_search_finds_networks_by_name_and_short_name(client, demo):
    assert links(search(client, "Hochschulen"), "s-netzwerke") == ["/netzwerke/engagierte-staedte-hochschulen/"]
    assert links(search(client, "Regionalnetzwerk MRN"), "s-netzwerke") == [
        "/netzwerke/regionalnetzwerk-metropolregion-rhein-neckar/"
    ]


def test_search_finds_organisations_by_short_name_with_their_town(client, demo):
    response = search(client, "LAGFA Sachsen-Anhalt")
    assert hits(response)["s-organisationen"] == [
        "Landesarbeitsgemeinschaft der Freiwilligenagenturen Sachsen-Anhalt e.V. Netzwerk oder Dachverband"
    ]
    assert len(hits(search(client, "lagfa"))["s-organisationen"]) == 2  # Sachsen-Anhalt and Bayern

    response = search(client, "Freiwilligen-Agentur")
    assert hits(response)["s-organisationen"] == [
        "Freiwilligen-Agentur Altmark e.V. Freiwilligenagentur · Hansestadt Stendal"
    ]
    assert links(response, "s-organisationen") == ["/staedte/stendal/"]
    assert links(response, "s-staedte") == ["/staedte/stendal/"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Würzburg", "netzwerktreffen-2024-wuerzburg"),
        ("wuerzburg", "netzwerktreffen-2024-wuerzburg"),
        ("Generationenaward", "thementisch-generationendialog-2025"),
    ],
)
def test_search_finds_meetings_by_title_place_and_topic(client, demo, query, slug):
    assert links(search(client, query), "s-treffen") == [f"/treffen/{slug}/"]


def test_former_member_towns_are_not_found(client, demo):
    City.objects.filter(slug="kaufbeuren").update(active=False)

    response = search(client, "Kaufbeuren")

    assert links(response, "s-staedte") == []
    assert links(response, "s-treffen") == ["/treffen/besuch-holzkirchen-in-kaufbeuren/"]


def test_one_hit_is_counted_in_the_singular(client, demo):
    response = search(client, "Körber")

    assert hits(response)["s-organisationen"] == ["Körber-Stiftung Stiftung"]
    assert page(response).one(class_="result-count").text == "1 Treffer für „Körber“."


def test_a_search_without_hits_offers_help(client, demo):
    response = search(client, "Atlantis")
    root = page(response)

    assert root.one(class_="result-count").text == "Keine Treffer für „Atlantis“."
    assert "/staedte/" in root.one(class_="empty").links()


def test_a_too_long_query_gets_a_german_message_and_no_search(client, demo):
    response = search(client, "Stendal " * 20)
    root = page(response)

    assert root.one("p", role="alert").text == "Bitte höchstens 100 Zeichen eingeben."
    assert all(found == [] for found in hits(response).values())
    assert len(root.one("input", name="q").get("value")) == 100


def test_a_query_of_exactly_one_hundred_characters_is_searched(client, demo):
    title = "Digitaler Austausch der Verwaltungsspitzen von Stendal, Lemgo, Parchim und Gardelegen"
    query = f"{title} Kennenlernen in der neuen Zusammensetzung"[:100]
    assert len(query) == 100

    response = search(client, query)

    assert page(response).find(role="alert") is None
    assert links(response, "s-treffen") == ["/treffen/digitaler-austausch-stendal-lemgo-parchim-gardelegen/"]


def test_the_query_is_shown_escaped(client, demo):
    response = search(client, "<script>alert(1)</script>")
    html = response.content.decode()

    assert "<script>alert(1)</script>" not in html
    assert page(response).one(class_="result-count").text == "Keine Treffer für „<script>alert(1)</script>“."


def test_a_blank_query_is_no_search(client, demo):
    assert page(search(client, "   ")).find(class_="result-count") is None


@pytest.mark.parametrize("query", ["\x00", "\u200b"], ids=["nul", "zero-width-space"])
def test_a_query_of_invisible_characters_is_no_search(client, demo, query):
    response = search(client, query)

    assert page(response).find(class_="result-count") is None
    assert "\x00" not in response.content.decode()


def test_each_kind_shows_at_most_twenty_hits(client, demo):
    state = State.objects.get(code="DE-TH")
    City.objects.bulk_create(
        [
            City(name=f"Suchdorf {n:02d}", slug=f"suchdorf-{n:02d}", state=state, search_text=f"suchdorf {n:02d}")
            for n in range(25)
        ]
    )

    assert len(links(search(client, "suchdorf"), "s-staedte")) == 20


def test_the_hit_count_does_not_hide_matches_beyond_the_twenty_shown(client, demo):
    state = State.objects.get(code="DE-TH")
    City.objects.bulk_create(
        [
            City(name=f"Suchdorf {n:02d}", slug=f"suchdorf-{n:02d}", state=state, search_text=f"suchdorf {n:02d}")
            for n in range(25)
        ]
    )

    count = page(search(client, "suchdorf")).one(class_="result-count").text

    assert "25" in count or "mehr als 20" in count


# --- people, campaigns, reports; ranking; typos --------------------------------------------------


def test_people_are_found_by_name_and_public_role(client, demo):
    (hit,) = hits(search(client, "Kathrin Hinze"))["s-personen"]
    assert hit.startswith("Kathrin Hinze Landessprecherin für die kommunale Verwaltung")
    assert links(search(client, "Kathrin Hinze"), "s-personen") == ["/staedte/dessau-rosslau/#personen"]
    assert any("Kathrin Hinze" in hit for hit in hits(search(client, "landessprecherin"))["s-personen"])


def test_campaigns_are_found_by_name_and_lead_to_their_network(client, demo):
    response = search(client, "Glücksbringer")

    assert hits(response)["s-kampagnen"] == ["Glücksbringer Regionalnetzwerk Anhalt"]
    assert links(response, "s-kampagnen") == ["/netzwerke/regionalnetzwerk-anhalt/#kampagnen"]
    assert hits(search(client, "gluecksbringer"))["s-kampagnen"] == ["Glücksbringer Regionalnetzwerk Anhalt"]


def test_published_reports_are_found_by_their_text(client, demo):
    response = search(client, "Weißwasser")

    assert "/treffen/netzwerktreffen-sachsen-weisswasser-2025/#bericht" in links(response, "s-berichte")


def test_exact_names_come_first(client, demo):
    """ "Stendal" is contained in the Austauschkreis' name too; the town of that name leads."""
    assert links(search(client, "Bad Orb"), "s-staedte")[0] == "/staedte/bad-orb/"
    assert links(search(client, "Neustadt"), "s-staedte")[:2] == [
        "/staedte/neustadt-an-der-aisch/",
        "/staedte/neustadt-an-der-weinstrasse/",
    ]
    assert links(search(client, "Landesnetzwerk"), "s-netzwerke")[0].startswith("/netzwerke/landesnetzwerk-")


def test_a_typo_offers_the_closest_names(client, demo):
    response = search(client, "Witenberg")
    section = page(response).section("s-aehnlich")

    assert "Keine Treffer für „Witenberg“" in page(response).one(class_="result-count").text
    assert section.links()[0] == "/staedte/wittenberg/"
    assert page(search(client, "Dessua")).section("s-aehnlich").links()[0] == "/staedte/dessau-rosslau/"
    assert "Kathrin Hinze" in page(search(client, "Katrin Hinze")).section("s-aehnlich").text


def test_nonsense_finds_nothing_and_offers_nothing(client, demo):
    root = page(search(client, "xqzjvw"))

    assert root.find("section", **{"aria-labelledby": "s-aehnlich"}) is None
    assert "Versuchen Sie einen kürzeren Begriff" in root.one("div", class_="empty").text
