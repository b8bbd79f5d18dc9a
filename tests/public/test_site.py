"""Site-wide promises: page structure, SEO, sitemap and robots.txt, the 404 page, JSON-LD, HTMX and migrations."""

import datetime
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cities.models import City
from events.models import Meeting
from networks.models import Network
from tests.pages import jsonld, page

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/staedte/",
    "/staedte/?land=bayern&seite=1",
    "/staedte/stendal/",
    "/laender/",
    "/laender/sachsen-anhalt/",
    "/netzwerke/",
    "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/",
    "/mitgliedschaften/",
    "/treffen/",
    "/treffen/netzwerktreffen-sachsen-weisswasser-2025/",
    "/suche/",
    "/suche/?q=stadt",
    "/impressum/",
    "/datenschutz/",
    "/mitmachen/",
]
LIST_PAGES = ["/staedte/", "/netzwerke/", "/mitgliedschaften/", "/treffen/"]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def head(response):
    return page(response).one("head")


# --- every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_one_h1_a_title_a_description_and_a_canonical_link(client, demo, url):
    response = client.get(url)
    root = page(response)

    assert response.status_code == 200
    assert root.one("html").get("lang") == "de"
    assert len(root.find_all("h1")) == 1
    title = head(response).one("title").text
    assert title.endswith(" · Engagierte Stadt") and len(title) > len(" · Engagierte Stadt")
    description = head(response).one("meta", name="description").get("content")
    assert len(description) > 40
    canonical = head(response).one("link", rel="canonical").get("href")
    assert canonical == "http://testserver" + url.split("?")[0]


@pytest.mark.parametrize(
    ("url", "title", "description"),
    [
        (
            "/staedte/stendal/",
            "Hansestadt Stendal",
            "Hansestadt Stendal (Sachsen-Anhalt) im Programm Engagierte Stadt seit 2015",
        ),
        ("/netzwerke/regionalnetzwerk-anhalt/", "Regionalnetzwerk Anhalt", "Regionalnetzwerk Anhalt: Regionalnetzwerk"),
        ("/laender/sachsen-anhalt/", "Sachsen-Anhalt", "Länderpartnerschaft in Sachsen-Anhalt"),
        (
            "/treffen/netzwerktreffen-sachsen-weisswasser-2025/",
            "Treffen der Engagierten Städte Sachsen in Weißwasser/O.L.",
            "In Weißwasser/O.L. haben die sächsischen Engagierten Städte",
        ),
        (
            "/treffen/besuch-puchheim-in-ingolstadt/",
            "Besuch einer Delegation aus Puchheim in Ingolstadt",
            "Besuch in Ingolstadt.",
        ),
    ],
)
def test_detail_pages_have_their_own_title_and_description(client, demo, url, title, description):
    response = client.get(url)

    assert head(response).one("title").text == f"{title} · Engagierte Stadt"
    assert description in head(response).one("meta", name="description").get("content")


def test_the_main_navigation_uses_german_addresses(client, demo):
    nav = page(client.get("/")).one("nav", **{"aria-label": "Hauptnavigation"})

    assert nav.links() == ["/staedte/", "/netzwerke/", "/laender/", "/treffen/"]
    assert nav.text == "Städte Netzwerke Länder Treffen"


def test_the_current_section_is_marked_in_the_navigation(client, demo):
    nav = page(client.get("/netzwerke/")).one("nav", **{"aria-label": "Hauptnavigation"})

    assert [a.text for a in nav.find_all("a", **{"aria-current": "page"})] == ["Netzwerke"]


# --- the home page -------------------------------------------------------------------------------


def test_home_page_shows_the_directory_in_figures(client, demo):
    stats = page(client.get("/")).one("ul", class_="stats")

    assert [li.text for li in stats.find_all("li")][:3] == [
        "100 Engagierte Städte im Verzeichnis",
        "11 Netzwerke",
        "5 Länderpartner",
    ]
    assert f"/treffen/?jahr={timezone.localdate().year}" in stats.links()


def test_home_page_shows_the_next_meetings_and_the_newest_reports(client, demo):
    meeting = Meeting.objects.create(title="Treffen bald", starts_on=timezone.localdate() + datetime.timedelta(days=7))
    meeting.networks.add(Network.objects.get(slug="engagierte-staedte-sachsen"))

    root = page(client.get("/"))

    assert root.section("naechste").links() == ["/treffen/treffen-bald/"]
    # No source dates the reports: they count as published when they entered the directory,
    # in the order of the data files, so the last one entered comes first.
    assert root.section("berichte").links() == [
        "/treffen/digitaler-austausch-stendal-lemgo-parchim-gardelegen/",
        "/treffen/netzwerktreffen-sachsen-weisswasser-2025/",
        "/treffen/kooperationsgespraeche-lagfa-sachsen-anhalt-2025/",
    ]


def test_home_page_map_links_every_town(client, demo):
    svg = page(client.get("/")).section("karte").one("svg")

    # 101 towns; four are no single place of the gazetteer (demo/gazetteer.toml) and stay off the map.
    assert len(svg.find_all("a", class_="map-link")) == 97


# --- sitemap, robots.txt, 404 ------------------------------------------------------------------------


def xml_locations(client, url: str, path: str) -> list[str]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).findall(path, SITEMAP_NS)]


def sitemap_locations(client) -> list[str]:
    """Every address of every sitemap the index /sitemap.xml names."""
    return [
        location
        for sitemap in xml_locations(client, "/sitemap.xml", "s:sitemap/s:loc")
        for location in xml_locations(client, sitemap, "s:url/s:loc")
    ]


def test_the_sitemap_index_names_one_sitemap_per_section(client, demo):
    sections = ["seiten", "staedte", "netzwerke", "laender", "treffen"]

    assert xml_locations(client, "/sitemap.xml", "s:sitemap/s:loc") == [
        f"http://testserver/sitemap-{section}.xml" for section in sections
    ]


def test_a_long_section_is_split_into_pages_of_the_limit(client, demo, monkeypatch):
    from public.sitemaps import CitySitemap

    monkeypatch.setattr(CitySitemap, "limit", 45)

    sitemaps = xml_locations(client, "/sitemap.xml", "s:sitemap/s:loc")
    towns = [sitemap for sitemap in sitemaps if "/sitemap-staedte.xml" in sitemap]
    assert towns == [
        "http://testserver/sitemap-staedte.xml",
        "http://testserver/sitemap-staedte.xml?p=2",
        "http://testserver/sitemap-staedte.xml?p=3",
    ]
    pages = [xml_locations(client, sitemap, "s:url/s:loc") for sitemap in towns]
    assert [len(locations) for locations in pages] == [45, 45, 11]
    assert client.get("/sitemap-staedte.xml?p=4").status_code == 404
    assert client.get("/sitemap-unbekannt.xml").status_code == 404


def test_sitemap_lists_town_network_state_and_meeting_pages(client, demo):
    locations = sitemap_locations(client)
    paths = [location.removeprefix("http://testserver") for location in locations]

    assert all(location.startswith("http://testserver/") for location in locations)
    assert "/staedte/dessau-rosslau/" in paths
    assert "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/" in paths
    assert "/laender/sachsen-anhalt/" in paths
    assert "/treffen/netzwerktreffen-sachsen-weisswasser-2025/" in paths
    assert {"/", "/staedte/", "/netzwerke/", "/mitgliedschaften/", "/laender/", "/treffen/"} <= set(paths)
    assert sum(path.startswith("/staedte/") and path != "/staedte/" for path in paths) == 101
    assert sum(path.startswith("/netzwerke/") and path != "/netzwerke/" for path in paths) == 11
    assert sum(path.startswith("/laender/") and path != "/laender/" for path in paths) == 16
    assert sum(path.startswith("/treffen/") and path != "/treffen/" for path in paths) == 14
    assert len(paths) == len(set(paths))


def test_every_sitemap_address_answers(client, demo):
    for location in sitemap_locations(client):
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location


def test_sitemap_leaves_out_former_member_towns(client, demo):
    City.objects.filter(slug="radebeul").update(active=False)

    assert "http://testserver/staedte/radebeul/" not in sitemap_locations(client)


def test_robots_txt_points_to_the_sitemap(client, demo):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines and "User-agent: *" in lines


def test_robots_txt_answers_head_requests(client, demo):
    assert client.head("/robots.txt").status_code == 200


@pytest.mark.parametrize("url", ["/gibt-es-nicht/", "/staedte/gibt-es-nicht/", "/cities/", "/treffen/x/y/"])
def test_an_unknown_address_gives_the_german_404_page(client, demo, url):
    response = client.get(url)
    root = page(response)

    assert response.status_code == 404
    assert root.one("h1").text == "Diese Seite gibt es nicht"
    assert head(response).one("title").text == "Seite nicht gefunden · Engagierte Stadt"
    assert head(response).find("link", rel="canonical") is None
    assert {"/", "/staedte/"} <= set(root.one("main").links())


# --- JSON-LD -----------------------------------------------------------------------------------------


def test_town_page_describes_the_town_as_an_organization(client, demo):
    (data,) = jsonld(client.get("/staedte/stendal/"))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Engagierte Stadt Hansestadt Stendal"
    assert data["url"] == "http://testserver/staedte/stendal/"
    assert data["areaServed"]["containedInPlace"]["name"] == "Sachsen-Anhalt"
    assert data["areaServed"]["geo"] == {"@type": "GeoCoordinates", "latitude": 52.60578, "longitude": 11.86091}


def test_network_page_describes_the_network_with_its_members(client, demo):
    (data,) = jsonld(client.get("/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/"))

    assert data["@type"] == "Organization"
    assert data["name"] == "Landesnetzwerk Engagierte Städte Sachsen-Anhalt"
    assert len(data["member"]) == 9
    assert {
        "@type": "Organization",
        "name": "Engagierte Stadt Dessau-Roßlau",
        "url": "http://testserver/staedte/dessau-rosslau/",
    } in data["member"]
    assert data["foundingDate"] == "2025-03-01"

    (federal,) = jsonld(client.get("/netzwerke/bundesnetzwerk-engagierte-stadt/"))
    assert federal["parentOrganization"]["name"] == "Bundesnetzwerk Bürgerschaftliches Engagement"


def test_meeting_page_describes_the_meeting_as_an_event(client, demo):
    (data,) = jsonld(client.get("/treffen/netzwerktreffen-sachsen-weisswasser-2025/"))

    assert data["@type"] == "Event"
    assert data["startDate"] == data["endDate"] == "2025-06-18"
    assert data["location"] == {"@type": "Place", "name": "Weißwasser/O.L."}
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "Engagierte Städte Sachsen",
            "url": "http://testserver/netzwerke/engagierte-staedte-sachsen/",
        }
    ]


def test_a_digital_meeting_has_a_virtual_location(client, demo):
    (data,) = jsonld(client.get("/treffen/digitaler-austausch-stendal-lemgo-parchim-gardelegen/"))

    assert data["location"]["@type"] == "VirtualLocation"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["startDate"] == "2022"  # the year only: no source gives the day


def test_json_ld_cannot_close_its_script_element(client, demo):
    title = "Treffen </script><script>alert(1)</script> & mehr"
    Meeting.objects.filter(slug="netzwerktreffen-2024-wuerzburg").update(title=title)

    response = client.get("/treffen/netzwerktreffen-2024-wuerzburg/")

    assert "</script><script>alert(1)" not in response.content.decode()
    (data,) = jsonld(response)
    assert data["name"] == title


def test_list_pages_carry_no_json_ld(client, demo):
    assert jsonld(client.get("/staedte/")) == []


# --- HTMX on every list page -------------------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_answer_htmx_with_the_results_fragment(client, demo, url):
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()

    assert fragment.status_code == 200
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert page(fragment).find(class_="results-head") is not None
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_answer_normal_requests_with_the_full_page(client, demo, url):
    response = client.get(url)
    html = response.content.decode()

    assert "<html" in html and "<form" in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "headers",
    [{"HX-Request": "true", "HX-History-Restore-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}],
    ids=["history-restore", "boosted-link"],
)
@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_answer_history_restores_and_boosted_links_with_the_full_page(client, demo, url, headers):
    html = client.get(url, headers=headers).content.decode()

    assert "<html" in html and "<form" in html


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_vary_on_every_header_that_changes_the_answer(client, demo, url):
    """History restores and boosted links send HX-Request too but get the full page: caches must tell them apart."""
    vary = {value.strip().lower() for value in client.get(url).headers["Vary"].split(",")}

    assert {"hx-request", "hx-history-restore-request", "hx-boosted"} <= vary


# --- migrations ---------------------------------------------------------------------------------------


def test_there_are_no_pending_migrations():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)

    assert "No changes detected" in out.getvalue()


def test_favicon_ico_leads_to_the_site_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def scripts(response) -> list[str]:
    return [script.get("src") for script in page(response).find_all("script") if script.get("src")]


@pytest.mark.parametrize(
    "url", ["/", "/staedte/wittenberg/", "/laender/", "/treffen/bundesnetzwerktreffen-2025-wittenberg/"]
)
def test_pages_without_htmx_ship_no_javascript(client, demo, url):
    assert scripts(client.get(url)) == []


@pytest.mark.parametrize("url", ["/staedte/", "/netzwerke/", "/mitgliedschaften/", "/treffen/"])
def test_pages_with_filters_load_htmx_and_the_filter_script(client, demo, url):
    sources = scripts(client.get(url))

    assert any("htmx" in src for src in sources) and any("filters" in src for src in sources)


def test_the_impressum_names_the_data_licences(client, demo):
    main = page(client.get("/impressum/")).one("main")

    assert "https://www.geonames.org/" in main.links()
    assert "https://creativecommons.org/licenses/by/4.0/deed.de" in main.links()
    assert "Natural Earth" in main.text
    assert "/impressum/" not in main.links()


@pytest.mark.parametrize("url", ["/", "/staedte/", "/netzwerke/", "/treffen/", "/impressum/", "/staedte/wittenberg/"])
def test_every_page_has_a_search_field_in_its_header(client, demo, url):
    form = page(client.get(url)).one("header").one("form", role="search")

    assert form.get("action") == "/suche/"
    assert form.find("input", name="q") is not None


def test_the_search_page_does_not_repeat_the_search_field_in_its_header(client, demo):
    root = page(client.get("/suche/?q=stadt"))

    assert root.one("header").find("form") is None
    assert len(root.find_all("input", name="q")) == 1


def test_the_joining_page_states_the_conditions_each_with_a_linked_source(client, demo):
    root = page(client.get("/mitmachen/"))
    conditions = root.section("bedingungen")
    sources = root.section("quellen")

    assert "10.000 bis 250.000 Einwohnerinnen und Einwohner" in conditions.text
    assert "Mindestens drei Partner" in conditions.text
    assert "Drei Jahre lang" in conditions.text
    for dd in conditions.find_all("dd"):
        marks = [link for link in dd.links() if link.startswith("#quelle-")]
        assert marks, dd.text  # every condition names its source
        assert all(sources.one("li", id=mark[1:]).links() for mark in marks)
    assert "https://www.engagiertestadt.de/mitmachen/engagierte-stadt-werden/" in root.one("main").links()
    assert "/mitmachen/" in page(client.get("/")).one("footer").links()


def test_the_joining_page_renders_without_its_sources(client, empty_directory):
    response = client.get("/mitmachen/")

    assert response.status_code == 200
    assert "10.000 bis 250.000" in page(response).section("bedingungen").text


OPERATOR = {
    "name": "Beispielträger e. V.",
    "address": "Beispielstraße 1; 12345 Beispielstadt",
    "email": "kontakt@example.org",
    "phone": "",
    "represented_by": "Erika Beispiel (Vorstand)",
    "privacy_email": "datenschutz@example.org",
}


@pytest.mark.parametrize("url", ["/impressum/", "/datenschutz/"])
def test_impressum_and_privacy_name_the_operator_from_the_settings(client, demo, settings, url):
    settings.SITE_OPERATOR = OPERATOR
    main = page(client.get(url)).one("main")

    assert all(line in main.text for line in ["Beispielträger e. V.", "Beispielstraße 1", "12345 Beispielstadt"])
    assert "mailto:kontakt@example.org" in main.links()
    assert "Vertreten durch: Erika Beispiel (Vorstand)" in main.text
    assert main.find("p", class_="notice") is None
    assert "folgen" not in main.text


def test_without_an_operator_the_impressum_says_which_settings_are_missing(client, demo, settings):
    settings.SITE_OPERATOR = {**OPERATOR, "address": ""}

    notice = page(client.get("/impressum/")).one("main").one("p", class_="notice")
    assert "OPERATOR_ADDRESS" in notice.text


def test_the_privacy_page_names_its_own_contact_and_the_rights(client, demo, settings):
    settings.SITE_OPERATOR = OPERATOR
    main = page(client.get("/datenschutz/")).one("main")

    assert "mailto:datenschutz@example.org" in main.links()
    assert "Art. 15 bis 21 DSGVO" in main.text
