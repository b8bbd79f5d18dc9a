"""The network list /netzwerke/ and a network's page /netzwerke/<slug>/."""

import gzip
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import MeetingReport, ReportStatus
from networks.models import Campaign, Membership, Network, Seat
from tests.pages import chips, jsonld, page, result_count
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db

LANDESNETZWERK = "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/"
SACHSEN = "/netzwerke/engagierte-staedte-sachsen/"
RHEIN_NECKAR = "/netzwerke/regionalnetzwerk-metropolregion-rhein-neckar/"
FEDERAL = "/netzwerke/bundesnetzwerk-engagierte-stadt/"
ANHALT = "/netzwerke/regionalnetzwerk-anhalt/"


def network_cards(response) -> dict[str, str]:
    """The cards of /netzwerke/ as {slug: card text}, in the listed order."""
    cards = page(response).find("ul", class_="network-cards")
    if cards is None:
        return {}
    return {
        card.one("h3").find("a").get("href").strip("/").rsplit("/", 1)[-1]: card.text
        for card in cards.find_all("li", class_="card")
    }


# --- the list ----------------------------------------------------------------------------------


def test_network_list_shows_all_networks_sorted_by_kind(client, demo):
    response = client.get("/netzwerke/")
    cards = network_cards(response)

    assert response.status_code == 200
    assert result_count(response) == "11 Netzwerke"
    assert next(iter(cards)) == "bundesnetzwerk-engagierte-stadt"
    assert list(cards)[-1] == "engagierte-staedte-hochschulen"


@pytest.mark.parametrize(
    ("slug", "count"),
    [
        ("landesnetzwerk-engagierte-staedte-sachsen-anhalt", "9 Mitgliedsstädte · seit März 2025"),
        ("regionalnetzwerk-metropolregion-rhein-neckar", "7 Mitgliedsstädte"),
        ("engagierte-staedte-sachsen", "7 Städte, davon 1 im Verzeichnis"),
        ("regionalnetzwerk-engagierte-stadt-bayern", "12 Städte, davon 8 im Verzeichnis"),
        ("austausch-coburg-kronach", "2 Mitgliedsstädte"),
        ("engagierte-staedte-hochschulen", "0 Mitgliedsstädte"),
    ],
)
def test_network_cards_show_member_counts(client, demo, slug, count):
    assert count in network_cards(client.get("/netzwerke/"))[slug]


def test_a_network_card_shows_kind_status_and_states(client, demo):
    card = network_cards(client.get("/netzwerke/"))["engagierte-staedte-sachsen"]

    assert card.startswith("Engagierte Städte Sachsen Landesnetzwerk im Aufbau · Sachsen")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "?art=tandem",
            {
                "austausch-coburg-kronach",
                "austauschkreis-stendal-lemgo-parchim-gardelegen",
                "tandem-wittenberg-radebeul-cottbus",
            },
        ),
        ("?land=bayern", {"regionalnetzwerk-engagierte-stadt-bayern", "austausch-coburg-kronach"}),
        (
            "?land=sachsen-anhalt",
            {
                "landesnetzwerk-engagierte-staedte-sachsen-anhalt",
                "regionalnetzwerk-anhalt",
                "austauschkreis-stendal-lemgo-parchim-gardelegen",
                "tandem-wittenberg-radebeul-cottbus",
            },
        ),
        ("?status=forming", {"engagierte-staedte-sachsen"}),
        ("?land=hessen&art=regional", {"regionalnetzwerk-metropolregion-rhein-neckar"}),
        ("?art=federal&art=thematic", {"bundesnetzwerk-engagierte-stadt", "engagierte-staedte-hochschulen"}),
    ],
)
def test_network_filters_narrow_the_list(client, demo, query, expected):
    assert set(network_cards(client.get("/netzwerke/" + query))) == expected


def test_member_counts_stay_right_when_filtering_by_state(client, demo):
    cards = network_cards(client.get("/netzwerke/?land=bayern&land=sachsen-anhalt"))

    assert "12 Städte, davon 8 im Verzeichnis" in cards["regionalnetzwerk-engagierte-stadt-bayern"]
    assert "4 Mitgliedsstädte" in cards["austauschkreis-stendal-lemgo-parchim-gardelegen"]


def test_a_network_spanning_several_chosen_states_is_listed_once(client, demo):
    response = client.get("/netzwerke/?land=baden-wuerttemberg&land=hessen&land=rheinland-pfalz")

    assert list(network_cards(response)) == [
        "landesnetzwerk-engagierte-stadt-baden-wuerttemberg",
        "regionalnetzwerk-metropolregion-rhein-neckar",
    ]
    assert result_count(response) == "2 Netzwerke"


def test_network_filters_without_match_show_the_empty_state(client, demo):
    response = client.get("/netzwerke/?art=thematic&land=bayern")

    assert network_cards(response) == {}
    assert result_count(response) == "Kein Netzwerk gefunden"
    assert "Kein Netzwerk passt zu dieser Auswahl." in page(response).one(class_="empty").text


def test_network_filter_chips_remove_one_value(client, demo):
    found = chips(client.get("/netzwerke/?art=tandem&art=regional&land=bayern"))

    assert set(found) == {
        "Art: Regionalnetzwerk",
        "Art: Tandem oder Austauschkreis",
        "Bundesland: Bayern",
    }
    assert parse_qs(urlsplit(found["Art: Tandem oder Austauschkreis"]).query) == {
        "art": ["regional"],
        "land": ["bayern"],
    }


def test_the_network_list_links_to_the_membership_table(client, demo):
    assert "/mitgliedschaften/" in page(client.get("/netzwerke/")).one("main").links()


# --- a network's page ------------------------------------------------------------------------------


def members(response) -> list[str]:
    section = page(response).section("mitglieder")
    return [link for link in section.links() if link.startswith("/staedte/")]


def aside_facts(response) -> dict[str, str]:
    dl = page(response).section("eckdaten").one("dl")
    return {dt.text: dd.text for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}


def test_network_page_lists_its_member_towns_with_since_and_role(client, demo):
    response = client.get(LANDESNETZWERK)
    section = page(response).section("mitglieder")

    assert response.status_code == 200
    assert len(members(response)) == 9
    assert "/staedte/dessau-rosslau/" in members(response) and "/staedte/aken-elbe/" not in members(response)
    # All nine share state, date and role: said once above the list, not nine times.
    assert section.one("p", class_="shared-details").text == (
        "Alle Städte: Sachsen-Anhalt · seit März 2025 · Gründungsmitglied"
    )
    assert section.text.count("Gründungsmitglied") == 1 and section.text.count("seit März 2025") == 1


def test_members_that_differ_keep_their_own_details(client, demo):
    section = page(client.get("/netzwerke/tandem-wittenberg-radebeul-cottbus/")).section("mitglieder")
    items = {li.find("strong").text: li.text for li in section.find_all("li")}

    assert section.find("p", class_="shared-details") is None
    assert "Sachsen" in items["Radebeul"] and "Brandenburg" in items["Cottbus"]
    assert "Sachsen-Anhalt" in items["Wittenberg (Lutherstadt)"]


def test_a_former_member_leaves_the_network_page(client, demo):
    Membership.objects.filter(network__slug="regionalnetzwerk-anhalt", city__slug="aken-elbe").update(
        until="2025-12-31"
    )

    response = client.get(ANHALT)

    assert "/staedte/aken-elbe/" not in members(response)
    assert "4 Mitgliedsstädte" in page(response).one("p", class_="lead").text


def test_rhein_neckar_names_its_seven_towns(client, demo):
    response = client.get(RHEIN_NECKAR)
    root = page(response)

    assert root.one("p", class_="lead").text == (
        "Regionalnetzwerk 7 Mitgliedsstädte in Baden-Württemberg, Hessen, Rheinland-Pfalz."
    )
    assert members(response) == [
        "/staedte/heidelberg/",
        "/staedte/lampertheim/",
        "/staedte/landau-in-der-pfalz/",
        "/staedte/neustadt-an-der-weinstrasse/",
        "/staedte/speyer/",
        "/staedte/viernheim/",
        "/staedte/weinheim/",
    ]
    assert "Viernheim Hessen · seit Juli 2020" in root.section("mitglieder").text


def test_the_saxon_network_shows_its_subgroups(client, demo):
    section = page(client.get(SACHSEN)).section("mitglieder")
    headings = [h3.text for h3 in section.find_all("h3")]

    assert sorted(headings) == ["westliche Städte (3 Städte)", "östliche Städte (4 Städte)"]
    assert [link for link in section.links() if not link.startswith("#quelle-")] == ["/staedte/weisswasser-ol/"]
    assert "Die Städte dieser Gruppe sind noch nicht namentlich eingetragen." in section.text
    assert "namentlich ist 1 davon im Verzeichnis" in section.text


def test_network_page_names_the_seat_holders_with_their_towns(client, demo):
    section = page(client.get(LANDESNETZWERK)).section("sprecher")
    seats = {li.find("strong").text: li.text for li in section.find_all("li")}

    assert "Kathrin Hinze (Dessau-Roßlau) gewählt März 2025" in seats["Landessprecher*in Verwaltung"]
    assert "Niklas Neumann (Gemeinde Hohe Börde) gewählt März 2025" in seats["Landessprecher*in Zivilgesellschaft"]
    assert "gewählt beim Gründungstreffen" in seats["Landessprecher*in Verwaltung"]


def test_a_seat_without_a_holder_is_shown_as_vacant(client, demo):
    Seat.objects.create(network=Network.objects.get(slug="regionalnetzwerk-anhalt"), title="Sprecher*in Wirtschaft")

    section = page(client.get(ANHALT)).section("sprecher")

    assert "Sprecher*in Wirtschaft" in section.text and "derzeit nicht besetzt" in section.text


def test_the_federal_network_shows_host_partners_subnetworks_and_its_speaker(client, demo):
    response = client.get(FEDERAL)
    found = aside_facts(response)

    assert found["Angesiedelt bei"] == "Bundesnetzwerk Bürgerschaftliches Engagement"
    assert "Bertelsmann Stiftung" in found["Partner"] and "Deutscher Städtetag" in found["Partner"]
    assert found["Länder"] == "bundesweit"
    children = page(response).section("eckdaten").links()
    assert LANDESNETZWERK in children and SACHSEN in children and len(children) == 9
    speaker = page(response).section("sprecher")
    assert "Marion Zosel-Mohr (Hansestadt Stendal) gewählt 2022 · wiedergewählt" in speaker.text
    # The term's sources are footnotes that lead to the page's list of sources.
    marks = [link for link in speaker.links() if link.startswith("#quelle-")]
    assert marks and all(page(response).one("li", id=mark[1:]) for mark in marks)


def test_a_network_page_links_to_its_parent_network(client, demo):
    response = client.get("/netzwerke/austausch-coburg-kronach/")

    assert aside_facts(response)["Teil von"] == "Regionalnetzwerk Engagierte Stadt Bayern"
    breadcrumbs = page(response).one("nav", class_="breadcrumbs")
    assert breadcrumbs.links() == ["/netzwerke/", "/netzwerke/regionalnetzwerk-engagierte-stadt-bayern/"]


def test_a_network_page_names_its_host_and_partners(client, demo):
    assert aside_facts(client.get("/netzwerke/regionalnetzwerk-engagierte-stadt-bayern/"))["Angesiedelt bei"] == (
        "Landesnetzwerk Bürgerschaftliches Engagement Bayern e.V."
    )
    assert aside_facts(client.get(LANDESNETZWERK))["Partner"] == (
        "Landesarbeitsgemeinschaft der Freiwilligenagenturen Sachsen-Anhalt e.V."
    )


def test_network_page_lists_campaigns_with_their_towns(client, demo):
    section = page(client.get(ANHALT)).section("kampagnen")
    items = {li.find("strong").text: li for li in section.find_all("li")}

    assert set(items) == {"Glücksbringer", "Förderprojekt Regionalnetzwerk Anhalt"}
    assert "Evelin Kögel" in items["Glücksbringer"].text
    assert sorted(link for link in items["Glücksbringer"].links() if not link.startswith("#")) == [
        "/staedte/bitterfeld-wolfen/",
        "/staedte/dessau-rosslau/",
        "/staedte/graefenhainichen/",
        "/staedte/wittenberg/",
    ]
    assert "1. September 2022 bis 30. Juni 2023" in items["Förderprojekt Regionalnetzwerk Anhalt"].text


def test_network_page_shows_the_meetings_as_a_timeline_newest_first(client, demo):
    timeline = page(client.get(SACHSEN)).section("treffen").one("ol", class_="timeline")
    entries = [li.text for li in timeline.find_all("li")]

    assert entries == [
        "22. Oktober 2025 Thementisch der Engagierten Städte beim Generationendialog 2025 geplant",
        "4. Quartal 2025 Nächstes Treffen der Engagierten Städte Sachsen geplant",
        "18. Juni 2025 Treffen der Engagierten Städte Sachsen in Weißwasser/O.L. Bericht",
        "Dezember 2024 Treffen der Engagierten Städte Sachsen im Dezember 2024",
    ]


def test_network_page_lists_the_published_reports(client, demo):
    section = page(client.get(LANDESNETZWERK)).section("berichte")

    assert section.links() == [
        "/treffen/kooperationsgespraeche-lagfa-sachsen-anhalt-2025/",
        "/treffen/gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025/",
    ]
    assert "Neun Engagierte Städte haben im März 2025" in section.text


def test_a_draft_report_is_not_listed_on_the_network_page(client, demo):
    MeetingReport.objects.filter(meeting__slug="gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025").update(
        status=ReportStatus.DRAFT
    )

    root = page(client.get(LANDESNETZWERK))

    assert root.section("berichte").links() == ["/treffen/kooperationsgespraeche-lagfa-sachsen-anhalt-2025/"]
    founding = next(li for li in root.section("treffen").find_all("li") if "Gründungstreffen" in li.text)
    assert "Bericht" not in founding.text


def test_a_network_without_meetings_says_so(client, demo):
    assert "Noch keine Treffen eingetragen." in page(client.get(ANHALT)).section("treffen").text


def test_network_map_shows_the_members_and_highlights_the_states(client, demo):
    svg = page(client.get(LANDESNETZWERK)).section("karte").one("svg")

    # Nine members; Hohe Börde, a municipality of several villages, has no place in the gazetteer.
    assert len(svg.find_all("a", class_="map-link")) == 8
    assert [path.get("data-state") for path in svg.find_all("path", class_="is-highlighted")] == ["DE-ST"]


def test_the_lead_of_a_nationwide_network_has_no_space_before_the_full_stop(client, demo):
    lead = page(client.get(FEDERAL)).one("p", class_="lead").text

    assert lead == "Bundesnetzwerk 112 Städte, davon 100 im Verzeichnis."


def test_an_unknown_network_gives_the_german_not_found_page(client, demo):
    response = client.get("/netzwerke/gibt-es-nicht/")

    assert response.status_code == 404
    assert page(response).one("h1").text == "Diese Seite gibt es nicht"


# --- a crowded network: members, meetings, reports and campaign towns are capped -------------------


def test_a_crowded_network_lists_fifty_members_and_links_to_all_in_the_directory(client, demo):
    crowd()
    total = Membership.objects.filter(network__slug=LANDESNETZWERK.split("/")[2], until__isnull=True).count()
    response = client.get(LANDESNETZWERK)
    section = page(response).section("mitglieder")

    assert len(members(response)) == 50 + 1
    assert members(response)[-1] == "/staedte/?netzwerk=landesnetzwerk-engagierte-staedte-sachsen-anhalt"
    assert f"Die ersten 50 von {total} Mitgliedsstädten im Verzeichnis, nach Namen." in section.text
    assert "Alle Mitgliedsstädte im Städteverzeichnis" in section.text
    assert f"{total} Mitgliedsstädte in Sachsen-Anhalt." in page(response).one("p", class_="lead").text
    # Search engines learn the towns that are shown, not ten thousand.
    assert len(jsonld(response)[0]["member"]) == 50


def test_a_crowded_network_lists_its_ten_newest_meetings_and_five_reports(client, demo):
    crowd()
    network = Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    meetings = network.meetings.count()
    reports = MeetingReport.objects.published().filter(meeting__networks=network).count()
    root = page(client.get(LANDESNETZWERK))

    timeline = root.section("treffen")
    assert len(timeline.one("ol", class_="timeline").find_all("li")) == 10
    assert f"Die 10 neuesten von {meetings} Treffen." in timeline.text
    assert "/treffen/?netzwerk=landesnetzwerk-engagierte-staedte-sachsen-anhalt" in timeline.links()
    report_section = root.section("berichte")
    assert len(report_section.one("ul").find_all("li")) == 5
    assert f"Die 5 neuesten von {reports} Berichten." in report_section.text
    assert "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/berichte/feed/" in report_section.links()


def test_a_crowded_campaign_names_twenty_towns_and_counts_the_others(client, demo):
    crowd()
    campaign = Campaign.objects.get(slug="gluecksbringer")
    section = page(client.get(ANHALT)).section("kampagnen")
    item = next(li for li in section.find_all("li") if li.find("strong").text == "Glücksbringer")

    assert len([link for link in item.links() if not link.startswith("#")]) == 20
    assert f"und {campaign.cities.count() - 20} weitere Städte" in item.text


def test_the_network_page_needs_the_same_queries_when_crowded(client, demo):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(LANDESNETZWERK).status_code == 200
        return len(context.captured_queries)

    before = queries()
    crowd()

    assert queries() == before


def test_the_federal_network_page_stays_small_however_many_towns_it_has(client, demo):
    crowd()
    response = client.get(FEDERAL)

    assert len(members(response)) == 50 + 1
    assert page(response).section("karte").one("svg").find_all("circle", class_="is-cluster")
    assert len(gzip.compress(response.content)) < 20_000


def test_a_regional_network_across_state_borders_shades_no_state_and_zooms_to_its_towns(client, demo):
    svg = page(client.get("/netzwerke/regionalnetzwerk-metropolregion-rhein-neckar/")).section("karte").one("svg")

    assert svg.find_all("path", class_="is-highlighted") == []
    assert svg.one("g", class_="map-states").get("transform", "").startswith("scale(")
    assert len(svg.find_all("a", class_="map-link")) == 7
