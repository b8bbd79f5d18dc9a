"""Meetings as an iCalendar feed (RFC 5545) to subscribe to in a calendar app.

Only meetings with a known day go in: a meeting planned "im 4. Quartal 2025" or
"im März 2025" has no day a calendar could show, and one without a date has
nothing at all. Rather than inventing a day, the feed leaves them out and says so
in its description (the pages say it next to the "Kalender abonnieren" button).

- UIDs are `meeting-<pk>@engagierte-stadt-verzeichnis`: the same in every feed and
  on every request, so a calendar app updates an event instead of duplicating it.
- With a start time, the event runs in local time (TZID=Europe/Berlin, with its
  VTIMEZONE); without one it is an all-day event whose DTEND is the day after the
  last day (DTEND is exclusive for dates).
- A cancelled meeting stays in the feed with STATUS:CANCELLED and "Abgesagt:" in
  front of its title, so subscribers see the cancellation instead of a silently
  vanished event.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from cities.models import PROGRAMME_START_YEAR
from core.dates import DatePrecision
from events.models import Meeting, MeetingFormat, MeetingStatus

UID_DOMAIN = "engagierte-stadt-verzeichnis"
PRODID = "-//Engagierte Stadt//Netzwerkverzeichnis//DE"
TIME_ZONE = "Europe/Berlin"
REFRESH_INTERVAL = datetime.timedelta(hours=12)
LEFT_OUT_NOTE = (
    "Treffen, deren Termin nur auf Monat, Quartal oder Jahr genau feststeht (etwa „4. Quartal 2025“), "
    "und Treffen ohne bekanntes Datum sind nicht enthalten."
)


def is_in_calendar(meeting: Meeting) -> bool:
    """A meeting a calendar can show: one whose day is known."""
    return meeting.starts_on is not None and meeting.date_precision == DatePrecision.DAY


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def event_times(meeting: Meeting) -> tuple[datetime.date | datetime.datetime, datetime.date | datetime.datetime | None]:
    """DTSTART and DTEND of a day-precision meeting (DTEND None: a timed meeting without a known end)."""
    last_day = meeting.ends_on or meeting.starts_on
    if meeting.start_time is None:
        return meeting.starts_on, last_day + datetime.timedelta(days=1)
    berlin = zoneinfo.ZoneInfo(TIME_ZONE)
    start = datetime.datetime.combine(meeting.starts_on, meeting.start_time, tzinfo=berlin)
    if meeting.end_time is not None:
        end = datetime.datetime.combine(last_day, meeting.end_time, tzinfo=berlin)
    elif last_day != meeting.starts_on:
        end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=berlin)
    else:
        end = None
    return start, end if end is not None and end > start else None


def event_description(meeting: Meeting, url: str) -> str:
    lines = [f"{meeting.get_kind_display()} · {meeting.get_format_display()}"]
    if meeting.status == MeetingStatus.CANCELLED:
        lines.insert(0, "Dieses Treffen ist abgesagt.")
    networks = [network.name for network in meeting.networks.all()]
    if networks:
        lines.append("Veranstaltet von: " + ", ".join(networks))
    if meeting.topic_list:
        lines.append("Themen: " + "; ".join(meeting.topic_list))
    if meeting.description.strip():
        lines += ["", meeting.description.strip()]
    lines += ["", f"Mehr im Netzwerkverzeichnis: {url}"]
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, url: str, stamp: datetime.datetime) -> Event:
    start, end = event_times(meeting)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event = Event()
    event.add("uid", meeting_uid(meeting))
    # DTSTAMP: when this calendar was generated (RFC 5545 with METHOD); LAST-MODIFIED lets calendar
    # apps see which meetings really changed since they last fetched the feed.
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.modified_at.astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", f"Abgesagt: {meeting.title}" if cancelled else meeting.title)
    event.add("description", event_description(meeting, url))
    location = meeting.place_display or ("digital" if meeting.format == MeetingFormat.DIGITAL else "")
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("categories", [meeting.get_kind_display()])
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def build_calendar(
    request: HttpRequest, meetings, *, name: str, intro: str, page_url: str, calendar_id: str
) -> Calendar:
    """A calendar of the meetings that have a known day; the description names what is left out.

    `page_url` is the page (absolute) that lists every meeting of this calendar, `calendar_id` a
    stable name of the feed (its UID).
    """
    meetings = list(meetings)
    shown = [meeting for meeting in meetings if is_in_calendar(meeting)]
    shown.sort(key=lambda meeting: (meeting.starts_on, meeting.start_time or datetime.time(0), meeting.pk))
    left_out = len(meetings) - len(shown)
    description = f"{intro} {LEFT_OUT_NOTE}"
    if left_out:
        description += f" In dieser Auswahl betrifft das {left_out} Treffen."
    description += f" Alle Treffen: {page_url}"

    calendar = Calendar.new(
        name=name,
        description=description,
        prodid=PRODID,
        uid=f"{calendar_id}@{UID_DOMAIN}",
        url=page_url,
        refresh_interval=REFRESH_INTERVAL,
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add("x-published-ttl", "PT12H")  # the same as REFRESH-INTERVAL, for older clients
    # Always there, also when no meeting has a time, for clients that expect it with X-WR-TIMEZONE.
    # The rules cover the programme's years and a decade ahead (icalendar writes them out as RDATEs).
    calendar.add_component(
        Timezone.from_tzid(
            TIME_ZONE, first_date=datetime.date(PROGRAMME_START_YEAR - 1, 1, 1), last_date=_zone_rules_until()
        )
    )
    stamp = timezone.now().replace(microsecond=0)
    for meeting in shown:
        calendar.add_component(
            meeting_event(meeting, url=request.build_absolute_uri(meeting.get_absolute_url()), stamp=stamp)
        )
    return calendar


def _zone_rules_until() -> datetime.date:
    return datetime.date(timezone.localdate().year + 10, 1, 1)


def calendar_response(calendar: Calendar, file_stem: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{file_stem}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
