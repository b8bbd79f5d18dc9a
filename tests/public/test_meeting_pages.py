"""Meetings /treffen/ (upcoming and past, filters) and a meeting's page with its report.

Meetings that depend on the date are created relative to `timezone.localdate()`, so
the tests hold on any day without freezing time.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from cities.models import City
from core.dates import DatePrecision, period_end, period_start
from events.models import Meeting, MeetingReport, MeetingStatus, ReportStatus
from networks.models import Network
from tests.pages import chips, meeting_slugs, page
from tests.public.crowded import crowd

pytestmark = pytest.mark.django_db

URL = "/treffen/"
WEISSWASSER = "netzwerktreffen-sachsen-weisswasser-2025"
SAXON_MEETINGS = {
    "thementisch-generationendialog-2025",
    "netzwerktreffen-sachsen-2025-q4",
    WEISSWASSER,
    "netzwerktreffen-sachsen-2024-12",
}
BAVARIAN_VISITS = {
    "besuch-puchheim-in-ingolstadt",
    "treffen-oberbuergermeister-eichstaett-neumarkt",
    "fahrradtour-puchheim-holzkirchen",
    "besuch-holzkirchen-in-kaufbeuren",
}
SAXONY_ANHALT_MEETINGS = {
    "bundesnetzwerktreffen-2025-wittenberg",
    "gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025",
    "kooperationsgespraeche-lagfa-sachsen-anhalt-2025",
    "digitaler-austausch-stendal-lemgo-parchim-gardelegen",
}


def make_meeting(title, starts_on=None, precision=DatePrecision.DAY, network="engagierte-staedte-sachsen", **fields):
    meeting = Meeting.objects.create(title=title, starts_on=starts_on, date_precision=precision, **fields)
    meeting.networks.add(Network.objects.get(slug=network))
    return meeting


def listed(client, query="") -> tuple[list[str], list[str]]:
    root = page(client.get(URL + query))
    return meeting_slugs(root.section("anstehend")), meeting_slugs(root.section("vergangen"))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def dated_meetings(demo, today):
    """Meetings around today, each with the section it belongs in."""
    day = datetime.timedelta(days=1)
    previous_quarter = period_start(today, DatePrecision.QUARTER) - day
    meetings = {
        "gestern": (make_meeting("Gestern", today - day, status=MeetingStatus.HELD), "past"),
        "heute": (make_meeting("Heute", today), "upcoming"),
        "morgen": (make_meeting("Morgen", today + day), "upcoming"),
        "laufend": (make_meeting("Laufend", today - day, ends_on=today + day), "upcoming"),
        "letztes-quartal": (make_meeting("Letztes Quartal", previous_quarter, DatePrecision.QUARTER), "past"),
        "dieses-quartal": (make_meeting("Dieses Quartal", today, DatePrecision.QUARTER), "upcoming"),
        "dieser-monat": (make_meeting("Dieser Monat", today, DatePrecision.MONTH), "upcoming"),
        "naechster-monat": (make_meeting("Nächster Monat", today + 32 * day, DatePrecision.MONTH), "upcoming"),
        "letztes-jahr": (make_meeting("Letztes Jahr", today.replace(year=today.year - 1), DatePrecision.YEAR), "past"),
        "dieses-jahr": (make_meeting("Dieses Jahr", today, DatePrecision.YEAR), "upcoming"),
        "ohne-datum": (make_meeting("Ohne Datum"), "past"),
    }
    return {slug: where for slug, (meeting, where) in meetings.items() if meeting.slug == slug}


# --- upcoming and past -----------------------------------------------------------------------------


def test_meeting_list_has_a_german_address(client, demo):
    response = client.get("/treffen/")

    assert response.status_code == 200
    assert page(response).one("h1").text == "Treffen"


def test_upcoming_and_past_meetings_are_never_mixed(client, dated_meetings):
    assert len(dated_meetings) == 11
    upcoming, past = listed(client)

    assert not set(upcoming) & set(past)
    assert {slug for slug, where in dated_meetings.items() if where == "upcoming"} == set(upcoming)
    assert {slug for slug, where in dated_meetings.items() if where == "past"} <= set(past)
    assert set(upcoming) | set(past) == set(Meeting.objects.values_list("slug", flat=True))


def test_a_meeting_planned_to_the_current_quarter_is_upcoming_until_the_quarter_ends(client, dated_meetings, today):
    upcoming, past = listed(client)
    assert "dieses-quartal" in upcoming and "dieses-quartal" not in past

    quarter = Meeting.objects.filter(slug="dieses-quartal")
    last_day = period_end(today, DatePrecision.QUARTER)
    assert quarter.upcoming(today=last_day).exists()
    assert not quarter.past(today=last_day).exists()
    assert quarter.past(today=last_day + datetime.timedelta(days=1)).exists()
    assert not quarter.upcoming(today=last_day + datetime.timedelta(days=1)).exists()


def test_upcoming_meetings_come_soonest_first_and_past_ones_newest_first(client, dated_meetings):
    upcoming, past = listed(client)

    assert upcoming.index("laufend") < upcoming.index("heute") < upcoming.index("morgen")
    assert upcoming.index("morgen") < upcoming.index("naechster-monat")
    assert past[0] == "gestern"
    undated = set(Meeting.objects.filter(starts_on=None).values_list("slug", flat=True))
    assert "ohne-datum" in undated
    first_undated = min(past.index(slug) for slug in undated)
    assert set(past[first_undated:]) == undated


def test_a_planned_meeting_whose_time_has_passed_is_past_and_marked_without_report(client, demo):
    past_section = page(client.get(URL)).section("vergangen")
    item = next(
        li for li in past_section.find_all("li") if "Nächstes Treffen der Engagierten Städte Sachsen" in li.text
    )

    assert "netzwerktreffen-sachsen-2025-q4" in meeting_slugs(past_section)
    assert "4. Quartal 2025" in item.text and "noch kein Bericht bekannt" in item.text
    assert "geplant" not in item.text


def test_a_cancelled_future_meeting_stays_listed_once_and_marked_cancelled(client, demo, today):
    make_meeting("Abgesagtes Treffen", today + datetime.timedelta(days=10), status=MeetingStatus.CANCELLED)

    root = page(client.get(URL))
    items = [li for li in root.find_all("li", class_="meeting-item") if "Abgesagtes Treffen" in li.text]

    assert len(items) == 1
    assert "abgesagt" in [badge.text for badge in items[0].find_all(class_="badge")]


def test_a_cancelled_future_meeting_page_says_cancelled_not_soon(client, demo, today):
    make_meeting("Sommerfest", today + datetime.timedelta(days=10), status=MeetingStatus.CANCELLED)

    badges = [b.text for b in page(client.get("/treffen/sommerfest/")).one("p", class_="lead").find_all(class_="badge")]

    assert badges == ["abgesagt"]


def test_the_home_page_does_not_announce_a_cancelled_meeting_as_next(client, demo, today):
    make_meeting("Sommerfest", today + datetime.timedelta(days=10), status=MeetingStatus.CANCELLED)

    items = [li for li in page(client.get("/")).section("naechste").find_all("li") if "Sommerfest" in li.text]

    assert not items or "abgesagt" in [badge.text for badge in items[0].find_all(class_="badge")]


def test_without_upcoming_meetings_the_list_says_so(client, demo):
    section = page(client.get(URL)).section("anstehend")

    assert "Zurzeit ist kein Treffen angekündigt." in section.text


def test_the_past_heading_counts_the_past_meetings(client, demo):
    heading = page(client.get(URL)).one("h2", id="vergangen")

    assert heading.text == "Vergangene Treffen (14)"


def test_past_meetings_are_paginated_by_twenty(client, demo, today):
    for number in range(10):
        make_meeting(f"Altes Treffen {number}", today.replace(year=today.year - 3) + datetime.timedelta(days=number))

    first = listed(client)[1]
    second_response = client.get(URL + "?seite=2")
    second = meeting_slugs(page(second_response).section("vergangen"))

    assert (len(first), len(second)) == (20, 4)
    assert not set(first) & set(second)
    pagination = page(second_response).one("nav", class_="pagination")
    assert "Seite 2 von 2" in pagination.text
    assert listed(client, "?seite=99999")[1] == second
    assert listed(client, "?seite=abc")[1] == first


# --- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?netzwerk=engagierte-staedte-sachsen", SAXON_MEETINGS),
        ("?land=sachsen-anhalt", SAXONY_ANHALT_MEETINGS),
        ("?land=bayern", BAVARIAN_VISITS | {"netzwerktreffen-2024-wuerzburg"}),
        ("?format=digital", {"digitaler-austausch-stendal-lemgo-parchim-gardelegen"}),
        ("?art=visit", BAVARIAN_VISITS),
        (
            "?art=national",
            {
                "bundesnetzwerktreffen-2025-wittenberg",
                "netzwerktreffen-2024-wuerzburg",
                "netzwerktreffen-2023-mannheim",
            },
        ),
        ("?jahr=2024", {"netzwerktreffen-sachsen-2024-12", "netzwerktreffen-2024-wuerzburg"}),
        (
            "?jahr=2025",
            SAXON_MEETINGS - {"netzwerktreffen-sachsen-2024-12"}
            | SAXONY_ANHALT_MEETINGS - {"digitaler-austausch-stendal-lemgo-parchim-gardelegen"},
        ),
        ("?land=sachsen-anhalt&format=digital", {"digitaler-austausch-stendal-lemgo-parchim-gardelegen"}),
        (
            "?netzwerk=regionalnetzwerk-engagierte-stadt-bayern&netzwerk=regionalnetzwerk-metropolregion-rhein-neckar",
            BAVARIAN_VISITS | {"netzwerktreffen-2023-mannheim"},
        ),
    ],
)
def test_meeting_filters_narrow_the_past_meetings(client, demo, query, expected):
    _upcoming, past = listed(client, query)

    assert set(past) == expected
    assert len(past) == len(set(past))


def test_meeting_filters_apply_to_upcoming_meetings_too(client, demo, today):
    make_meeting("Sachsen demnächst", today + datetime.timedelta(days=5))
    make_meeting(
        "Bayern demnächst", today + datetime.timedelta(days=6), network="regionalnetzwerk-engagierte-stadt-bayern"
    )

    assert listed(client, "?netzwerk=engagierte-staedte-sachsen")[0] == ["sachsen-demnaechst"]
    assert listed(client, "?land=bayern")[0] == ["bayern-demnaechst"]
    assert listed(client, "?format=digital")[0] == []


def test_state_filter_finds_meetings_held_in_the_state_by_networks_without_states(client, demo, today):
    from cities.models import City

    make_meeting(
        "Bundestreffen in Radebeul",
        today - datetime.timedelta(days=3),
        network="bundesnetzwerk-engagierte-stadt",
        place_city=City.objects.get(slug="radebeul"),
    )

    assert "bundestreffen-in-radebeul" in listed(client, "?land=sachsen")[1]
    assert "bundestreffen-in-radebeul" not in listed(client, "?land=bayern")[1]


def test_a_meeting_of_two_matching_networks_is_listed_once(client, demo, today):
    meeting = make_meeting(
        "Gemeinsames Treffen",
        today - datetime.timedelta(days=3),
        network="landesnetzwerk-engagierte-staedte-sachsen-anhalt",
    )
    meeting.networks.add(Network.objects.get(slug="regionalnetzwerk-anhalt"))

    past = listed(client, "?land=sachsen-anhalt")[1]

    assert past.count("gemeinsames-treffen") == 1


def test_meeting_filters_show_chips(client, demo):
    found = chips(client.get(URL + "?netzwerk=engagierte-staedte-sachsen&format=in_person&jahr=2025&art=theme_table"))

    assert set(found) == {
        "Netzwerk: Engagierte Städte Sachsen",
        "Format: vor Ort",
        "Jahr: 2025",
        "Art: Thementisch",
    }
    assert parse_qs(urlsplit(found["Jahr: 2025"]).query) == {
        "netzwerk": ["engagierte-staedte-sachsen"],
        "format": ["in_person"],
        "art": ["theme_table"],
    }


def test_meeting_filters_without_match_say_so(client, demo):
    root = page(client.get(URL + "?netzwerk=regionalnetzwerk-anhalt"))

    assert "Zurzeit ist kein Treffen angekündigt, das zu dieser Auswahl passt." in root.section("anstehend").text
    assert "Kein vergangenes Treffen passt zu dieser Auswahl." in root.section("vergangen").text


def test_meeting_list_answers_htmx_with_the_results_only(client, demo):
    response = client.get(URL + "?jahr=2024", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert "<html" not in html and "<form" not in html
    assert set(meeting_slugs(page(response).section("vergangen"))) == {
        "netzwerktreffen-sachsen-2024-12",
        "netzwerktreffen-2024-wuerzburg",
    }


# --- a meeting's page ------------------------------------------------------------------------------


def test_meeting_page_shows_the_published_report(client, demo):
    response = client.get(f"/treffen/{WEISSWASSER}/")
    root = page(response)
    report = root.one("section", class_="report")

    assert response.status_code == 200
    assert root.one("h1").text == "Treffen der Engagierten Städte Sachsen in Weißwasser/O.L."
    assert root.one("p", class_="lead").text.startswith("18. Juni 2025 · Weißwasser/O.L. · vor Ort")
    assert report.one("p", class_="report-lead").text.startswith("In Weißwasser/O.L. haben die sächsischen")
    # No source dates the report: it shows when it entered the directory, and says so.
    entered = MeetingReport.objects.get(meeting__slug=WEISSWASSER).published_at
    assert f"im Verzeichnis veröffentlicht am {date_format(timezone.localtime(entered), 'j. F Y')}" in report.text


def test_the_report_body_is_rendered_from_markdown(client, demo):
    prose = page(client.get(f"/treffen/{WEISSWASSER}/")).one("section", class_="report").one("div", class_="prose")

    assert [strong.text for strong in prose.find_all("strong")] == ["Gäste und Impulse", "Weitere Themen", "Ausblick"]
    items = [li.text for li in prose.find_all("li")]
    assert "der Rückblick auf das Treffen in Wittenberg und auf die Arbeitsgruppen" in items
    assert len(prose.find_all("ul")) == 2
    assert "**" not in prose.text


def test_the_report_lists_outcomes_and_the_next_meeting(client, demo):
    report = page(client.get(f"/treffen/{WEISSWASSER}/")).one("section", class_="report")
    outcomes = [li.text for li in report.one("ul", class_="outcomes").find_all("li")]

    assert len(outcomes) == 6
    assert outcomes[0] == "Kontaktdaten der Engagierten Städte in Sachsen sammeln"
    notice = report.one("p", class_="notice")
    assert notice.text == (
        "Nächstes Treffen: 4. Quartal 2025 – Nächstes Präsenztreffen; Ort und Tag stehen noch nicht fest."
    )
    # The network's meeting of that quarter exists in the directory: the date leads to it.
    assert notice.links() == ["/treffen/netzwerktreffen-sachsen-2025-q4/"]


def test_the_side_list_of_topics_gives_way_to_the_report(client, demo):
    Meeting.objects.filter(slug=WEISSWASSER).update(topics="Kontaktdaten sammeln\nNächstes Treffen planen")
    with_report = page(client.get(f"/treffen/{WEISSWASSER}/")).section("eckdaten")
    MeetingReport.objects.filter(meeting__slug=WEISSWASSER).update(status=ReportStatus.DRAFT)
    without_report = page(client.get(f"/treffen/{WEISSWASSER}/")).section("eckdaten")

    assert "Themen" not in with_report.text
    assert "Themen Kontaktdaten sammeln" in without_report.text


def test_a_next_meeting_without_date_shows_only_the_note(client, demo):
    report = page(client.get("/treffen/digitaler-austausch-stendal-lemgo-parchim-gardelegen/")).one(
        "section", class_="report"
    )

    assert report.one("p", class_="notice").text == (
        "Nächstes Treffen: Im Halbjahresrhythmus; ein Termin ist noch nicht genannt."
    )


def test_meeting_page_shows_place_networks_hosts_participants_and_topics(client, demo):
    aside = page(client.get(f"/treffen/{WEISSWASSER}/")).section("eckdaten")

    assert "/staedte/weisswasser-ol/" in aside.links()
    assert "/netzwerke/engagierte-staedte-sachsen/" in aside.links()
    assert "Prof. Dr. Christoph Scholz" in aside.text and "Torsten Pötzsch" in aside.text
    assert "Themen" not in aside.text  # the published report tells them
    MeetingReport.objects.filter(meeting__slug=WEISSWASSER).update(status=ReportStatus.DRAFT)
    topics = page(client.get(f"/treffen/{WEISSWASSER}/")).section("eckdaten").find_all("ul")[-1].find_all("li")
    assert len(topics) == 8


def test_meeting_page_shows_a_multi_day_date_and_the_attendance(client, demo):
    root = page(client.get("/treffen/netzwerktreffen-2024-wuerzburg/"))

    assert root.one("p", class_="lead").text.startswith("16.–17. September 2024 · Würzburg")
    assert "etwa 150" in root.section("eckdaten").text


def test_a_meeting_without_date_says_so(client, demo):
    lead = page(client.get("/treffen/besuch-puchheim-in-ingolstadt/")).one("p", class_="lead")

    assert lead.text.startswith("Datum unbekannt")


def test_an_unpublished_report_is_not_shown(client, demo):
    MeetingReport.objects.filter(meeting__slug=WEISSWASSER).update(status=ReportStatus.DRAFT)

    response = client.get(f"/treffen/{WEISSWASSER}/")
    html = response.content.decode()

    assert page(response).find("section", class_="report") is None
    assert "ES-Würfel" not in html and "Kontaktdaten der Engagierten Städte" not in html
    assert "In Weißwasser/O.L. haben die sächsischen" not in html  # not even in the meta description
    assert "Zu diesem Treffen ist noch kein Bericht bekannt." in page(response).one("main").text


def test_an_unpublished_report_gets_no_badge_in_the_meeting_list(client, demo):
    MeetingReport.objects.filter(meeting__slug=WEISSWASSER).update(status=ReportStatus.DRAFT)

    items = page(client.get(URL)).find_all("li", class_="meeting-item")
    weisswasser = next(item for item in items if f"/treffen/{WEISSWASSER}/" in item.links())

    assert "Bericht" not in weisswasser.text


def test_the_report_html_is_sanitised(client, demo):
    MeetingReport.objects.filter(meeting__slug=WEISSWASSER).update(
        body=(
            "<script>alert(1)</script>\n\n"
            '<img src="x" onerror="alert(2)">\n\n'
            "[Klick mich](javascript:alert(3))\n\n"
            '<a href="https://example.org/" onclick="alert(4)">Quelle</a>\n\n'
            '<p style="color:red" onmouseover="alert(5)">Text</p>\n\n'
            "**fett** und <em>kursiv</em>"
        ),
        lead="<b>Vorspann</b>",
        outcomes="<script>alert(6)</script>",
    )

    response = client.get(f"/treffen/{WEISSWASSER}/")
    html = response.content.decode()
    prose = page(response).one("section", class_="report").one("div", class_="prose")

    for dangerous in ("alert(1)", "alert(2)", "alert(3)", "alert(4)", "alert(5)", "<script>alert(6)"):
        assert dangerous not in html
    for node in prose.iter():
        assert not [name for name in node.attrs if name.startswith("on") or name == "style"], node
        assert not (node.get("href") or "").startswith("javascript:")
    assert prose.find("img") is None and prose.find("script") is None
    assert [strong.text for strong in prose.find_all("strong")] == ["fett"]
    assert prose.one("em").text == "kursiv"
    link = prose.one("a", href="https://example.org/")
    assert "noopener" in link.get("rel")
    assert "&lt;b&gt;Vorspann&lt;/b&gt;" in html


def test_an_upcoming_meeting_page_is_marked_and_expects_no_report_yet(client, demo, today):
    make_meeting("Bald", today + datetime.timedelta(days=3))
    make_meeting("Im Quartal", today, DatePrecision.QUARTER)

    soon = page(client.get("/treffen/bald/"))
    quarter = page(client.get("/treffen/im-quartal/"))

    assert soon.one("p", class_="lead").find(class_="badge").text == "demnächst"
    assert quarter.one("p", class_="lead").find(class_="badge").text == "geplant"
    assert "noch kein Bericht" not in soon.one("main").text


def test_a_cancelled_meeting_page_says_so(client, demo, today):
    make_meeting("Ausgefallen", today - datetime.timedelta(days=3), status=MeetingStatus.CANCELLED)

    assert page(client.get("/treffen/ausgefallen/")).one("p", class_="lead").find(class_="badge").text == "abgesagt"


def test_a_digital_meeting_shows_its_format(client, demo):
    root = page(client.get("/treffen/digitaler-austausch-stendal-lemgo-parchim-gardelegen/"))

    assert root.one("p", class_="lead").text == "2022 · digital"
    dl = root.section("eckdaten").one("dl")
    facts = {dt.text: dd.text for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}
    assert facts["Format"] == "digital"
    assert set(facts["Eingeladen von"].split(", ")) == {
        "Hansestadt Stendal",
        "Alte Hansestadt Lemgo",
        "Parchim",
        "Hansestadt Gardelegen",
    }


def test_an_unknown_meeting_gives_the_german_not_found_page(client, demo):
    response = client.get("/treffen/gibt-es-nicht/")

    assert response.status_code == 404
    assert page(response).one("h1").text == "Diese Seite gibt es nicht"


# --- crowded lists: upcoming meetings paged, meeting pages capped, a town's meetings -----------------


def test_upcoming_meetings_are_paged_by_ten(client, demo):
    crowd()
    upcoming = Meeting.objects.upcoming().count()
    root = page(client.get(URL))
    section = root.section("anstehend")

    assert len(meeting_slugs(section)) == 10
    nav = section.one("nav", class_="pagination")
    assert nav.text.startswith(f"1–10 von {upcoming} anstehenden Treffen")
    assert nav.links() == ["?anstehend=2"]

    second = page(client.get(URL + "?anstehend=2")).section("anstehend")
    assert len(meeting_slugs(second)) == min(upcoming - 10, 10)
    assert not set(meeting_slugs(second)) & set(meeting_slugs(section))
    assert second.one("nav", class_="pagination").links()[0] == "?anstehend=1"
    # The past meetings keep their own pages.
    assert meeting_slugs(page(client.get(URL + "?anstehend=2")).section("vergangen")) == meeting_slugs(
        root.section("vergangen")
    )


def test_the_meeting_list_offers_the_network_picker(client, demo):
    crowd()
    response = client.get(URL + "?netzwerk=engagierte-staedte-sachsen&netzwerk_suche=sachsen")
    choices = page(response).one(id="network-choices")
    boxes = {box.get("value"): "checked" in box.attrs for box in choices.find_all("input", type="checkbox")}

    assert boxes["engagierte-staedte-sachsen"] is True
    assert "landesnetzwerk-engagierte-staedte-sachsen-anhalt" in boxes
    assert all("sachsen" in slug for slug in boxes)
    fragment = client.get(URL + "?teil=netzwerke&netzwerk_suche=sachsen", headers={"HX-Request": "true"})
    assert "<form" not in fragment.content.decode() and 'name="netzwerk"' in fragment.content.decode()


def test_the_meetings_of_a_town_are_listed_with_a_chip_and_kept_by_the_form(client, demo):
    response = client.get(URL + "?stadt=wittenberg")
    upcoming, past = listed(client, "?stadt=wittenberg")
    wittenberg = City.objects.get(slug="wittenberg")
    expected = set(
        Meeting.objects.filter(
            Q(participating_cities=wittenberg) | Q(host_cities=wittenberg) | Q(place_city=wittenberg)
        ).values_list("slug", flat=True)
    )

    assert expected and set(upcoming) | set(past) == expected
    assert "Stadt: Lutherstadt Wittenberg" in chips(response)
    assert page(response).one("input", type="hidden", name="stadt").get("value") == "wittenberg"


def test_a_crowded_meeting_page_names_thirty_towns_and_links_to_all(client, demo):
    crowd()
    meeting = Meeting.objects.get(slug="bundesnetzwerktreffen-2025-wittenberg")
    towns, people = meeting.participating_cities.count(), meeting.participants.count()
    section = page(client.get(meeting.get_absolute_url())).section("eckdaten")

    paragraph = next(p for p in section.find_all("p") if p.find("a") and "weitere" in p.text)
    assert len(paragraph.links()) == 30
    assert paragraph.text.endswith(f"und {towns - 30} weitere")
    assert f"/staedte/?treffen={meeting.slug}" in section.links()
    assert len(section.find_all("ul", class_="plain-list")[0].find_all("li")) == 30
    assert f"und {people - 30} weitere Personen" in section.text


def test_a_meeting_page_needs_the_same_queries_when_crowded(client, demo):
    url = "/treffen/bundesnetzwerktreffen-2025-wittenberg/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    crowd()
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("name", ["stadt", "anstehend", "seite", "netzwerk_suche", "teil"])
@pytest.mark.parametrize("value", ["a\x00b", "x" * 10_000, "-1", "0", "netzwerke"])
@pytest.mark.parametrize("htmx", [False, True])
def test_hostile_values_of_the_new_parameters_never_break_the_meeting_list(client, demo, name, value, htmx):
    response = client.get(URL, {name: value}, headers={"HX-Request": "true"} if htmx else {})

    assert response.status_code == 200
