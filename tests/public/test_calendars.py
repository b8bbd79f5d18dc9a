"""Calendar feeds (iCalendar, RFC 5545) of the meetings: /treffen/kalender.ics with the list's filters,
/netzwerke/<slug>/kalender.ics and /staedte/<slug>/kalender.ics, and the "Kalender abonnieren" links."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from cities.models import City
from core.dates import DatePrecision
from demo.synthetic import generate
from events.models import Meeting, MeetingStatus
from networks.models import Network
from tests.pages import page
from tests.queries import request_cost

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
QUARTER_MEETING = "netzwerktreffen-sachsen-2025-q4"


def feed(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    """The calendar's events by their URL's meeting slug."""
    return {str(event["url"]).rstrip("/").rsplit("/", 1)[1]: event for event in calendar.walk("VEVENT")}


def day_meetings(meetings) -> set[str]:
    return {m.slug for m in meetings if m.starts_on is not None and m.date_precision == DatePrecision.DAY}


def test_the_feed_is_a_valid_calendar_in_berlin_time(client, demo):
    calendar = feed(client, "/treffen/kalender.ics")

    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Treffen der Engagierten Städte"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION", "URL", "STATUS"} <= set(event)


def test_only_meetings_with_a_known_day_are_in_the_feed(client, demo):
    shown = events(feed(client, "/treffen/kalender.ics"))

    assert set(shown) == day_meetings(Meeting.objects.all())
    assert QUARTER_MEETING not in shown
    assert Meeting.objects.exclude(date_precision=DatePrecision.DAY).exists()


def test_the_description_says_that_meetings_planned_by_quarter_are_left_out(client, demo):
    calendar = feed(client, "/netzwerke/engagierte-staedte-sachsen/kalender.ics")
    description = str(calendar["X-WR-CALDESC"])

    assert "Quartal" in description
    assert "nicht enthalten" in description
    assert str(calendar["DESCRIPTION"]) == description


def test_uids_are_stable_across_requests_and_feeds(client, demo):
    meeting = Meeting.objects.get(slug="netzwerktreffen-sachsen-weisswasser-2025")

    first = events(feed(client, "/treffen/kalender.ics"))
    second = events(feed(client, "/treffen/kalender.ics"))
    of_network = events(feed(client, "/netzwerke/engagierte-staedte-sachsen/kalender.ics"))

    assert {slug: str(e["UID"]) for slug, e in first.items()} == {slug: str(e["UID"]) for slug, e in second.items()}
    assert str(first[meeting.slug]["UID"]) == f"meeting-{meeting.pk}@engagierte-stadt-verzeichnis"
    assert str(of_network[meeting.slug]["UID"]) == str(first[meeting.slug]["UID"])


def test_a_meeting_without_times_is_an_all_day_event_ending_the_next_day(client, demo):
    shown = events(feed(client, "/treffen/kalender.ics"))

    one_day = shown["netzwerktreffen-sachsen-weisswasser-2025"]
    two_days = shown["netzwerktreffen-2024-wuerzburg"]

    assert one_day.decoded("DTSTART") == datetime.date(2025, 6, 18)
    assert one_day.decoded("DTEND") == datetime.date(2025, 6, 19)
    assert two_days.decoded("DTSTART") == datetime.date(2024, 9, 16)
    assert two_days.decoded("DTEND") == datetime.date(2024, 9, 18)
    assert str(one_day["LOCATION"]) == "Weißwasser/O.L."


def test_a_meeting_with_times_runs_in_local_berlin_time(client, demo):
    meeting = Meeting.objects.create(
        title="Abendrunde",
        starts_on=datetime.date(2026, 3, 28),
        ends_on=datetime.date(2026, 3, 29),  # over the switch to summer time
        start_time=datetime.time(18, 30),
        end_time=datetime.time(12, 0),
        place_text="Rathaus, Saal 2",
    )
    response = client.get("/treffen/kalender.ics")

    event = events(Calendar.from_ical(response.content))[meeting.slug]
    assert event.decoded("DTSTART") == datetime.datetime(2026, 3, 28, 18, 30, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime.datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)
    assert b"DTSTART;TZID=Europe/Berlin:20260328T183000" in response.content
    assert b"DTEND;TZID=Europe/Berlin:20260329T120000" in response.content


def test_a_timed_meeting_without_an_end_time_has_no_invented_end(client, demo):
    meeting = Meeting.objects.create(title="Kurz", starts_on=datetime.date(2026, 5, 4), start_time=datetime.time(9, 0))

    event = events(feed(client, "/treffen/kalender.ics"))[meeting.slug]

    assert event.decoded("DTSTART") == datetime.datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    assert "DTEND" not in event


def test_a_cancelled_meeting_is_marked_cancelled(client, demo):
    Meeting.objects.filter(slug="netzwerktreffen-sachsen-weisswasser-2025").update(status=MeetingStatus.CANCELLED)

    shown = events(feed(client, "/treffen/kalender.ics"))
    cancelled = shown["netzwerktreffen-sachsen-weisswasser-2025"]

    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Abgesagt: ")
    assert str(shown["netzwerktreffen-2024-wuerzburg"]["STATUS"]) == "CONFIRMED"


def test_the_description_is_plain_text_with_the_link_to_the_meeting(client, demo):
    event = events(feed(client, "/treffen/kalender.ics"))["netzwerktreffen-sachsen-weisswasser-2025"]
    description = str(event["DESCRIPTION"])

    assert "Veranstaltet von: Engagierte Städte Sachsen" in description
    assert description.endswith("http://testserver/treffen/netzwerktreffen-sachsen-weisswasser-2025/")
    assert "<" not in description


@pytest.mark.parametrize(
    "query", ["jahr=2024", "netzwerk=engagierte-staedte-sachsen", "land=bayern", "format=in_person&art=visit"]
)
def test_the_meeting_feed_follows_the_filters_of_the_meeting_list(client, demo, query):
    from django.http import QueryDict

    from public.filters.meetings import MeetingFilterSet

    expected = day_meetings(MeetingFilterSet(QueryDict(query), queryset=Meeting.objects.all()).qs)

    assert set(events(feed(client, f"/treffen/kalender.ics?{query}"))) == expected


def test_a_network_feed_has_the_meetings_the_network_organises(client, demo):
    network = Network.objects.get(slug="engagierte-staedte-sachsen")
    calendar = feed(client, f"/netzwerke/{network.slug}/kalender.ics")

    assert set(events(calendar)) == day_meetings(Meeting.objects.filter(networks=network))
    assert str(calendar["X-WR-CALNAME"]) == "Treffen: Engagierte Städte Sachsen"


def test_a_town_feed_has_the_meetings_it_hosts_attends_or_where_they_take_place(client, demo):
    town = City.objects.get(slug="radebeul")
    hosted = Meeting.objects.create(title="Einladung nach Radebeul", starts_on=datetime.date(2026, 6, 1))
    hosted.host_cities.add(town)
    attended = Meeting.objects.create(title="Besuch in Dresden", starts_on=datetime.date(2026, 6, 2))
    attended.participating_cities.add(town)
    held_there = Meeting.objects.create(title="Tag in Radebeul", starts_on=datetime.date(2026, 6, 3), place_city=town)
    Meeting.objects.create(title="Ganz woanders", starts_on=datetime.date(2026, 6, 4))

    shown = events(feed(client, "/staedte/radebeul/kalender.ics"))

    assert {hosted.slug, attended.slug, held_there.slug} <= set(shown)
    assert "ganz-woanders" not in shown


@pytest.mark.parametrize("url", ["/netzwerke/gibt-es-nicht/kalender.ics", "/staedte/gibt-es-nicht/kalender.ics"])
def test_an_unknown_network_or_town_gives_404(client, demo, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("query", "parameter"), [("jahr=abc", "jahr"), ("netzwerk=atlantis", "netzwerk")])
def test_a_bad_filter_gives_a_400_in_german_naming_the_parameter(client, demo, query, parameter):
    response = client.get(f"/treffen/kalender.ics?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"„{parameter}“" in response.content.decode()


# --- the links on the pages --------------------------------------------------------------------------


def calendar_links(response) -> dict[str, str]:
    group = page(response).one(role="group", **{"aria-label": "Kalender abonnieren"})
    return {link.text.split(":")[0].split(" (")[0]: link.get("href") for link in group.find_all("a")}


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx-fragment"])
def test_the_meeting_list_offers_its_filtered_calendar(client, demo, headers):
    response = client.get("/treffen/?jahr=2024&netzwerk=engagierte-staedte-sachsen&seite=2", headers=headers)
    links = calendar_links(response)

    assert links["Kalender abonnieren"] == "/treffen/kalender.ics?jahr=2024&netzwerk=engagierte-staedte-sachsen"
    assert links["In der Kalender-App öffnen"] == (
        "webcal://testserver/treffen/kalender.ics?jahr=2024&netzwerk=engagierte-staedte-sachsen"
    )
    assert "Quartal" in page(response).one(class_="calendar-subscribe").text


@pytest.mark.parametrize(
    ("url", "feed_url"),
    [
        ("/netzwerke/engagierte-staedte-sachsen/", "/netzwerke/engagierte-staedte-sachsen/kalender.ics"),
        ("/staedte/radebeul/", "/staedte/radebeul/kalender.ics"),
    ],
)
def test_network_and_town_pages_offer_their_calendar(client, demo, url, feed_url):
    response = client.get(url)
    links = calendar_links(response)

    assert links["Kalender abonnieren"] == feed_url
    assert "Quartal" in page(response).section("treffen").text
    assert client.get(feed_url).status_code == 200


# --- query budget ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/treffen/kalender.ics",
        "/treffen/kalender.ics?netzwerk=engagierte-staedte-sachsen&land=sachsen",
        "/netzwerke/engagierte-staedte-sachsen/kalender.ics",
        "/staedte/weisswasser-ol/kalender.ics",
    ],
)
def test_a_feed_needs_the_same_number_of_queries_with_ten_times_the_data(client, demo, url):
    small, small_size = request_cost(client, url)
    generate(10)
    # The synthetic meetings are spread over many networks; make sure the measured network and town get some.
    town = City.objects.get(slug="weisswasser-ol")
    saxony = Network.objects.get(slug="engagierte-staedte-sachsen")
    for meeting in Meeting.objects.filter(date_precision=DatePrecision.DAY).exclude(starts_on=None)[:20]:
        meeting.participating_cities.add(town)
        meeting.networks.add(saxony)
    large, large_size = request_cost(client, url)

    assert large_size > small_size
    assert large == small, f"{url}: {small} queries with the demo data, {large} with ten times the data"


def test_dtstamp_is_the_time_of_the_request_in_utc(client, demo):
    before = timezone.now().replace(microsecond=0)
    event = next(iter(feed(client, "/treffen/kalender.ics").walk("VEVENT")))

    assert event.decoded("DTSTAMP") >= before
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)


def test_events_carry_the_time_of_the_meetings_last_change(client, demo):
    import icalendar

    from events.models import Meeting

    calendar = icalendar.Calendar.from_ical(client.get("/treffen/kalender.ics").content)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert events
    for meeting in Meeting.objects.all():
        uid = f"meeting-{meeting.pk}@engagierte-stadt-verzeichnis"
        if uid in events:
            assert events[uid].decoded("LAST-MODIFIED") == meeting.modified_at.replace(microsecond=0)
