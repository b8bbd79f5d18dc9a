"""A town's own page /staedte/<slug>/: facts, networks, fellow members, tandem partners, map and people."""

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City, Person
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import Membership
from tests.pages import page, result_total, town_slugs
from tests.public.crowded import LANDESNETZWERK, crowd

pytestmark = pytest.mark.django_db


def facts(response) -> dict[str, str]:
    """The "Auf einen Blick" list as {term: description}."""
    dl = page(response).one("dl", class_="facts")
    terms = dl.find_all("dt")
    descriptions = dl.find_all("dd")
    return {dt.text: dd.text for dt, dd in zip(terms, descriptions, strict=True)}


def network_items(response) -> dict[str, str]:
    """The town's networks as {network name: text of its list item}."""
    section = page(response).section("netzwerke")
    return {li.find("strong").text: li.text for li in section.find_all("li") if li.find("strong")}


def fellow_links(response, network_name: str) -> list[str]:
    section = page(response).section("netzwerke")
    for item in section.find_all("li"):
        if item.find("strong") is not None and item.find("strong").text == network_name:
            fellows = item.find("p", class_="fellows")
            return fellows.links() if fellows is not None else []
    raise AssertionError(f"{network_name} is not listed")


def test_town_page_has_a_german_address_with_an_ascii_slug(client, demo):
    response = client.get("/staedte/dessau-rosslau/")

    assert response.status_code == 200
    assert page(response).one("h1").text == "Dessau-Roßlau"


@pytest.mark.parametrize("slug", ["atlantis", "Dessau-Rosslau", "dessau_rosslau"])
def test_an_unknown_town_gives_the_german_not_found_page(client, demo, slug):
    response = client.get(f"/staedte/{slug}/")

    assert response.status_code == 404
    assert page(response).one("h1").text == "Diese Seite gibt es nicht"


def test_the_heading_shows_the_official_name_with_its_prefix(client, demo):
    response = client.get("/staedte/stendal/")

    assert page(response).one("h1").text == "Hansestadt Stendal"
    assert "Stadt in Sachsen-Anhalt, im Programm seit 2015." in page(response).one("p", class_="lead").text


def test_town_page_shows_state_population_with_year_and_joining_year(client, demo):
    response = client.get("/staedte/stendal/")
    found = facts(response)

    assert found["Bundesland"] == "Sachsen-Anhalt"
    assert found["Einwohner"] == "37.722[1]"  # GeoNames states no reference year
    assert found["Im Programm seit"] == "2015"
    assert "/laender/sachsen-anhalt/" in page(response).one("dl", class_="facts").links()


def test_missing_facts_are_left_out_rather_than_called_missing(client, demo):
    response = client.get("/staedte/wittenberg/")
    found = facts(response)

    assert "Im Programm seit" not in found
    assert "Koordinierung" not in found
    assert "nicht angegeben" not in page(response).section("fakten").text
    assert facts(client.get("/staedte/mainz-mombach/")) == {
        "Bundesland": "Rheinland-Pfalz",
        "Art": "Stadtteil oder Bezirk",
        "Im Programm seit": "2022",
    }


@pytest.mark.parametrize(
    ("slug", "body", "model"),
    [
        ("stendal", "Freiwilligen-Agentur Altmark e.V.", "Freier Träger in Kooperation mit der Kommune"),
        ("parchim", "ZiP – Zusammen in Parchim", "Freier Träger in Kooperation mit der Kommune"),
        ("lemgo", "Alte Hansestadt Lemgo", "Kommune selbst"),
    ],
)
def test_town_page_names_the_coordinating_body_and_its_model(client, demo, slug, body, model):
    assert facts(client.get(f"/staedte/{slug}/"))["Koordinierung"] == f"{body} {model}"


@pytest.mark.parametrize(
    ("slug", "kind"), [("hohe-boerde", "Gemeinde"), ("aken-elbe", "Engagiertes Land"), ("coburg", "Stadt")]
)
def test_the_kind_of_member_is_shown(client, demo, slug, kind):
    assert facts(client.get(f"/staedte/{slug}/"))["Art"] == kind


def test_networks_are_listed_with_kind_since_and_role(client, demo):
    items = network_items(client.get("/staedte/stendal/"))

    assert list(items) == [
        "Bundesnetzwerk Engagierte Stadt",
        "Landesnetzwerk Engagierte Städte Sachsen-Anhalt",
        "Austauschkreis Stendal, Lemgo, Parchim und Gardelegen",
    ]
    assert "Bundesnetzwerk seit 2015" in items["Bundesnetzwerk Engagierte Stadt"]
    assert "Landesnetzwerk seit März 2025 Gründungsmitglied" in items["Landesnetzwerk Engagierte Städte Sachsen-Anhalt"]
    exchange = items["Austauschkreis Stendal, Lemgo, Parchim und Gardelegen"]
    assert "Tandem oder Austauschkreis Gründungsmitglied" in exchange


def test_a_former_membership_is_not_listed(client, demo):
    from networks.models import Membership

    Membership.objects.filter(city__slug="stendal", network__kind="tandem").update(until="2025-12-31")

    assert "Austauschkreis Stendal, Lemgo, Parchim und Gardelegen" not in network_items(client.get("/staedte/stendal/"))


def test_fellow_members_of_each_network_are_linked_but_not_the_town_itself(client, demo):
    response = client.get("/staedte/dessau-rosslau/")

    fellows = fellow_links(response, "Landesnetzwerk Engagierte Städte Sachsen-Anhalt")
    assert sorted(fellows) == sorted(
        f"/staedte/{slug}/"
        for slug in [
            "bitterfeld-wolfen",
            "blankenburg-harz",
            "gardelegen",
            "graefenhainichen",
            "hohe-boerde",
            "naumburg-saale",
            "stendal",
            "wittenberg",
        ]
    )
    assert sorted(fellow_links(response, "Regionalnetzwerk Anhalt")) == [
        "/staedte/aken-elbe/",
        "/staedte/bitterfeld-wolfen/",
        "/staedte/graefenhainichen/",
        "/staedte/wittenberg/",
    ]


def test_the_federal_network_names_no_fellows_but_all_towns(client, demo):
    items = network_items(client.get("/staedte/coburg/"))

    assert "Gemeinsam mit allen Engagierten Städten in Deutschland." in items["Bundesnetzwerk Engagierte Stadt"]
    assert fellow_links(client.get("/staedte/coburg/"), "Bundesnetzwerk Engagierte Stadt") == []


def test_the_list_of_fellow_members_has_no_dangling_comma(client, demo):
    section = page(client.get("/staedte/wittenberg/")).section("netzwerke")  # Wittenberg sorts last

    texts = [fellows.text for fellows in section.find_all("p", class_="fellows")]
    assert texts == [
        "Gemeinsam mit: Bitterfeld-Wolfen, Blankenburg (Harz), Dessau-Roßlau, Hansestadt Gardelegen, Gräfenhainichen, "
        "Gemeinde Hohe Börde, Naumburg (Saale), Hansestadt Stendal",
        "Gemeinsam mit: Aken (Elbe), Bitterfeld-Wolfen, Dessau-Roßlau, Gräfenhainichen",
        "Gemeinsam mit: Cottbus, Radebeul",
    ]


@pytest.mark.parametrize(
    ("slug", "partners"),
    [
        (
            "stendal",
            [
                "Hansestadt Gardelegen (Sachsen-Anhalt)",
                "Alte Hansestadt Lemgo (Nordrhein-Westfalen)",
                "Parchim (Mecklenburg-Vorpommern)",
            ],
        ),
        (
            "lemgo",
            [
                "Hansestadt Gardelegen (Sachsen-Anhalt)",
                "Parchim (Mecklenburg-Vorpommern)",
                "Hansestadt Stendal (Sachsen-Anhalt)",
            ],
        ),
        ("wittenberg", ["Cottbus (Brandenburg)", "Radebeul (Sachsen)"]),
        ("kronach", ["Coburg (Bayern)"]),
    ],
)
def test_tandem_partners_are_named_with_their_state(client, demo, slug, partners):
    section = page(client.get(f"/staedte/{slug}/")).section("tandem")

    for partner in partners:
        assert partner in section.text
    assert section.text.count("(") == len(partners)


def test_stendal_and_lemgo_are_each_others_tandem_partners(client, demo):
    assert "/staedte/lemgo/" in page(client.get("/staedte/stendal/")).section("tandem").links()
    assert "/staedte/stendal/" in page(client.get("/staedte/lemgo/")).section("tandem").links()


def test_a_town_without_tandem_has_no_tandem_section(client, demo):
    assert page(client.get("/staedte/ingolstadt/")).find("section", **{"aria-labelledby": "tandem"}) is None


def test_the_map_shows_the_town_with_a_link_to_its_own_page(client, demo):
    section = page(client.get("/staedte/stendal/")).section("lage")
    svg = section.one("svg")

    assert svg.one("a", class_="map-link").get("href") == "/staedte/stendal/"
    highlighted = [path.get("data-state") for path in svg.find_all("path", class_="is-highlighted")]
    assert highlighted == ["DE-ST"]
    assert svg.one("title", id=svg.get("aria-labelledby")).text == "Lage von Hansestadt Stendal"


def test_a_town_without_coordinates_has_no_map_section(client, demo):
    root = page(client.get("/staedte/berlin-schoeneweide/"))  # two localities, no single place

    assert root.find("section", **{"aria-labelledby": "lage"}) is None
    assert "Lage" not in [heading.text for heading in root.find_all("h2")]


def test_the_map_of_a_town_cites_its_gazetteer_entry_and_credits_geonames(client, demo):
    root = page(client.get("/staedte/stendal/"))
    section = root.section("lage")

    (mark,) = [link for link in section.links() if link.startswith("#quelle-")]
    assert root.section("quellen").one("li", id=mark[1:]).links() == ["https://www.geonames.org/2827479"]
    assert section.find("svg") is not None
    assert "GeoNames (CC BY 4.0)" in section.one("p", class_="map-credit").text
    (population_mark,) = [link for link in root.section("fakten").links() if link.startswith("#quelle-")][:1]
    assert population_mark == mark


def test_campaigns_of_the_town_are_listed_with_their_network(client, demo):
    section = page(client.get("/staedte/wittenberg/")).section("kampagnen")

    assert "Glücksbringer (Regionalnetzwerk Anhalt)" in section.text
    assert "Förderprojekt Regionalnetzwerk Anhalt (Regionalnetzwerk Anhalt)" in section.text


def test_meetings_of_the_town_are_listed_with_a_report_badge(client, demo):
    section = page(client.get("/staedte/weisswasser-ol/")).section("treffen")

    item = section.one("li")
    assert item.find("a").get("href") == "/treffen/netzwerktreffen-sachsen-weisswasser-2025/"
    assert "18. Juni 2025 · Weißwasser/O.L." in item.text
    assert item.find(class_="badge").text == "Bericht"


def test_a_draft_report_gets_no_badge_on_the_town_page(client, demo):
    MeetingReport.objects.filter(meeting__slug="netzwerktreffen-sachsen-weisswasser-2025").update(
        status=ReportStatus.DRAFT
    )

    section = page(client.get("/staedte/weisswasser-ol/")).section("treffen")

    assert section.find(class_="badge") is None


def test_a_town_without_meetings_says_so(client, demo):
    section = page(client.get("/staedte/naumburg-saale/")).section("treffen")

    assert "Noch keine Treffen mit dieser Stadt eingetragen." in section.text


def test_people_are_shown_without_contact_data_unless_they_agreed(client, demo):
    Person.objects.filter(name="Bastian Sieler").update(email="ob@stendal.example", phone="03931 123")
    Person.objects.filter(name="Axel Kleefeldt").update(email="vertretung@stendal.example", contact_public=True)

    response = client.get("/staedte/stendal/")
    people = page(response).section("personen")

    assert "Bastian Sieler" in people.text and "Oberbürgermeister der Hansestadt Stendal" in people.text
    assert "ob@stendal.example" not in response.content.decode()
    assert "03931 123" not in response.content.decode()
    assert "mailto:vertretung@stendal.example" in people.links()


def test_a_former_member_keeps_its_page_marked_as_former(client, demo):
    City.objects.filter(slug="radebeul").update(active=False)

    response = client.get("/staedte/radebeul/")

    assert response.status_code == 200
    assert "ehemalige Engagierte Stadt" in page(response).one("p", class_="lead").text
    assert "radebeul" not in town_slugs(client.get("/staedte/"))


def test_interview_answers_keep_their_line_breaks_and_are_escaped(client, demo):
    City.objects.filter(slug="kronach").update(interview_2030="Mehr <b>Mut</b>\nund mehr Zeit")

    response = client.get("/staedte/kronach/")
    html = response.content.decode()

    assert "Mehr &lt;b&gt;Mut&lt;/b&gt;<br>und mehr Zeit" in html
    assert "Wo steht Ihre Stadt im Jahr 2030?" in page(response).section("drei-fragen").text


# --- a town in a crowded directory: every list on the page is capped --------------------------------


def test_a_crowded_network_names_ten_fellows_and_links_to_all_of_them(client, demo):
    crowd()
    total = (
        Membership.objects.filter(network__slug=LANDESNETZWERK, until__isnull=True, city__active=True)
        .exclude(city__slug="wittenberg")
        .count()
    )

    section = page(client.get("/staedte/wittenberg/")).section("netzwerke")
    name = "Landesnetzwerk Engagierte Städte Sachsen-Anhalt"
    item = next(li for li in section.find_all("li") if li.find("strong").text == name)
    fellows = item.one("p", class_="fellows")
    links = fellows.links()

    assert len(links) == 10 + 1
    shown = [City.objects.get(slug=href.split("/")[2]).name for href in links[:10]]
    assert shown == sorted(shown)
    assert links[-1] == f"/staedte/?netzwerk={LANDESNETZWERK}"
    assert fellows.text.endswith(f"und {total - 10} weiteren Städten in {name}")
    # The link leads to the directory, which lists every member.
    assert result_total(client.get(links[-1])) == total + 1


def test_a_small_network_names_all_fellows_without_a_more_link(client, demo):
    crowd()

    tandem = "Tandem Lutherstadt Wittenberg – Radebeul – Cottbus"
    assert sorted(fellow_links(client.get("/staedte/wittenberg/"), tandem)) == [
        "/staedte/cottbus/",
        "/staedte/radebeul/",
    ]


def test_a_town_page_lists_its_ten_newest_meetings_and_links_to_all(client, demo):
    crowd()
    total = Meeting.objects.filter(participating_cities__slug="wittenberg").count() + 1  # and one held there

    section = page(client.get("/staedte/wittenberg/")).section("treffen")
    meetings = [href for href in section.links() if href.startswith("/treffen/") and href.count("/") == 3]

    assert len(meetings) == 10
    assert f"Die 10 neuesten von {total} Treffen." in section.text
    assert "/treffen/?stadt=wittenberg" in section.links()
    assert f"Alle {total} Treffen mit Lutherstadt Wittenberg" in section.text


def test_the_town_page_needs_the_same_queries_and_stays_small_when_crowded(client, demo):
    with CaptureQueriesContext(connection) as small:
        before = client.get("/staedte/wittenberg/")
    crowd()
    with CaptureQueriesContext(connection) as large:
        after = client.get("/staedte/wittenberg/")

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(gzip.compress(after.content)) < len(gzip.compress(before.content)) + 3_000


# --- sources ---------------------------------------------------------------------------------------


def test_every_town_page_names_and_links_its_sources(client, demo):
    for town in City.objects.active():
        section = page(client.get(town.get_absolute_url())).section("quellen")
        external = [link for link in section.links() if link.startswith("https://")]
        assert external, f"{town.slug} links no source"


def test_a_source_shows_title_publisher_date_and_retrieval(client, demo):
    section = page(client.get("/staedte/weisswasser-ol/")).section("quellen")
    assert (
        "https://www.engagiertestadt.de/2025/06/24/engagierte-staedte-sachsen-vernetzen-sich-in-der-engagierten-stadt-weisswasser-o-l/"
        in section.links()
    )
    assert (
        "Engagierte Städte Sachsen vernetzen sich in der Engagierten Stadt Weißwasser/O.L., Netzwerkprogramm Engagierte Stadt, 24. Juni 2025 (abgerufen am 30. November 2026)"
        in section.text
    )


def test_a_town_that_rejoined_shows_both_periods_with_their_sources(client, demo):
    root = page(client.get("/staedte/dessau-rosslau/"))
    facts = root.section("fakten")
    text = facts.text

    assert "Im Programm 2015 bis 2019[" in text
    assert "seit 1. Juli 2020[" in text
    marks = [link for link in facts.links() if link.startswith("#quelle-")]
    assert len(marks) >= 2
    assert all(root.section("quellen").one("li", id=mark[1:]).links() for mark in marks)


def test_a_fact_with_its_own_source_carries_a_footnote_mark(client, demo):
    root = page(client.get("/staedte/gardelegen/"))
    facts = root.section("fakten")

    assert "Im Programm seit2022[" in facts.text
    joined = facts.find_all("dd")[[dt.text for dt in facts.find_all("dt")].index("Im Programm seit")]
    marks = [link for link in joined.links() if link.startswith("#quelle-")]
    sources = root.section("quellen")
    linked = {url for mark in marks for url in sources.one("li", id=mark[1:]).links()}
    assert linked == {
        "https://www.engagiertestadt.de/2022/06/14/wir-wachsen-auf-113-engagierte-staedte/",
        "https://fa-altmark.de/engagierte-tandemstaedte-netzwerken-auf-hoechster-ebene",
    }


def test_aken_is_shown_as_an_engagiertes_land_not_as_an_engagierte_stadt(client, demo):
    root = page(client.get("/staedte/aken-elbe/"))

    assert "Schwesterprogramm „Engagiertes Land“" in root.one("p", class_="notice").text
    assert "Bundesnetzwerk" not in root.section("netzwerke").text
    assert "/netzwerke/regionalnetzwerk-anhalt/" in root.section("netzwerke").links()


@pytest.mark.parametrize(
    ("address", "target"),
    [
        ("/staedte/lutherstadt-wittenberg/", "/staedte/wittenberg/"),
        ("/staedte/hansestadt-stendal/", "/staedte/stendal/"),
        ("/staedte/alte-hansestadt-lemgo/", "/staedte/lemgo/"),
    ],
)
def test_the_official_name_in_the_address_leads_to_the_town(client, demo, address, target):
    response = client.get(address)

    assert response.status_code == 301
    assert response["Location"] == target


def test_an_unknown_town_address_is_a_404_with_a_search_field(client, demo):
    response = client.get("/staedte/nirgendwo/")

    assert response.status_code == 404
    assert page(response).one("main").find("input", name="q") is not None


def test_a_town_links_its_profile_on_the_programme_site_where_known(client, demo):
    found = facts(client.get("/staedte/apolda/"))
    link = page(client.get("/staedte/apolda/")).one("dl", class_="facts").links()

    assert found["Im Programm-Portal"] == "Profil auf engagiertestadt.de"
    assert "https://www.engagiertestadt.de/apolda/" in link
    assert "Im Programm-Portal" not in facts(client.get("/staedte/stendal/"))  # no profile known
