from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from cities.models import City, Person
from core import seo
from core.exports import (
    Column,
    applied_filters,
    bad_filter_response,
    export_query,
    export_response,
    sources_column,
    with_sources,
)
from core.listing import filter_chips, fragment_part, paginate, render_list, vary_on_htmx
from core.models import Source
from core.subqueries import row_count
from events.models import Meeting
from networks.models import Network
from public.calendar import build_calendar, calendar_response
from public.filters.meetings import MeetingFilterSet
from public.filters.networks import network_picker

PAST_MEETINGS_PER_PAGE = 20
# The upcoming meetings are paged too ("?anstehend=2"), so that a busy season cannot grow the page.
UPCOMING_MEETINGS_PER_PAGE = 10
UPCOMING_PAGE_PARAM = "anstehend"
# Meeting page: towns and people named (a national meeting may gather hundreds).
MEETING_TOWNS_SHOWN = 30
MEETING_PEOPLE_SHOWN = 30


def meeting_filterset(request) -> MeetingFilterSet:
    """The meeting list's filters: the same for the page, its downloads and its calendar."""
    return MeetingFilterSet(request.GET or None, queryset=Meeting.objects.with_relations())


@vary_on_htmx
def meeting_list(request):
    today = timezone.localdate()
    filterset = meeting_filterset(request)
    picker = network_picker(filterset)
    if fragment_part(request) == "netzwerke":
        return render(request, "networks/network_picker.html#choices", {"picker": picker})
    meetings = filterset.qs
    context = {
        "filter": filterset,
        "picker": picker,
        "upcoming": joined_late(
            paginate(
                request,
                meetings.upcoming(today).order_by("starts_on", "title"),
                UPCOMING_MEETINGS_PER_PAGE,
                param=UPCOMING_PAGE_PARAM,
            )
        ),
        "past": joined_late(paginate(request, meetings.past(today), PAST_MEETINGS_PER_PAGE)),
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "today": today,
        "nav": "meetings",
    }
    return render_list(request, "events/meeting_list.html", context)


def joined_late(page):
    """The page's meetings fetched by id: the database sorts the bare meeting rows to find the page's
    few, and only those are joined with their place and report (with 50,000 meetings sorting the
    joined rows costs several times as much)."""
    chosen = page.object_list
    page.object_list = (
        chosen.model.objects.filter(pk__in=chosen.values("pk"))
        .with_relations()
        .order_by(*chosen.query.order_by or chosen.model._meta.ordering)
    )
    return page


def meeting_detail(request, slug):
    towns = City.objects.order_by("name")
    meeting = get_object_or_404(
        Meeting.objects.with_relations()
        .annotate(
            host_count=row_count(Meeting.host_cities.through.objects, "meeting"),
            town_count=row_count(Meeting.participating_cities.through.objects, "meeting"),
            people_count=row_count(Meeting.participants.through.objects, "meeting"),
        )
        .prefetch_related(
            Prefetch("host_cities", queryset=towns[:MEETING_TOWNS_SHOWN], to_attr="shown_hosts"),
            Prefetch("participating_cities", queryset=towns[:MEETING_TOWNS_SHOWN], to_attr="shown_towns"),
            Prefetch(
                "participants",
                queryset=Person.objects.select_related("organization").order_by("name")[:MEETING_PEOPLE_SHOWN],
                to_attr="shown_people",
            ),
            "report__photos",
        ),
        slug=slug,
    )
    meeting.more_hosts = meeting.host_count - len(meeting.shown_hosts)
    meeting.more_towns = meeting.town_count - len(meeting.shown_towns)
    meeting.more_people = meeting.people_count - len(meeting.shown_people)
    report = getattr(meeting, "report", None)
    if report is not None and not report.is_published:
        report = None
    next_meeting = None
    if report is not None and report.next_meeting_on:
        next_meeting = Meeting.objects.named_as_next(meeting, report.next_meeting_on, report.next_meeting_precision)
    context = {
        "meeting": meeting,
        "report": report,
        "next_meeting": next_meeting,
        "is_upcoming": meeting.is_upcoming(),
        "jsonld": seo.meeting_jsonld(request, meeting),
        "sources": Source.objects.footnotes(meeting),
        "nav": "meetings",
    }
    return render(request, "events/meeting_detail.html", context)


def meeting_columns(request) -> list[Column]:
    today = timezone.localdate()
    return [
        Column("title", "Titel", lambda meeting: meeting.title),
        Column("slug", "Kürzel", lambda meeting: meeting.slug),
        Column("date_text", "Datum", lambda meeting: meeting.date_display),
        # The first day of the period (of the quarter, for a meeting planned by quarter) and its precision.
        Column("starts_on", "Beginn", lambda meeting: meeting.starts_on),
        Column("ends_on", "Ende", lambda meeting: meeting.ends_on),
        Column(
            "date_precision",
            "Genauigkeit des Datums",
            lambda meeting: meeting.date_precision,
            text=lambda meeting: meeting.get_date_precision_display(),
        ),
        Column("start_time", "Uhrzeit (Beginn)", lambda meeting: meeting.start_time),
        Column("end_time", "Uhrzeit (Ende)", lambda meeting: meeting.end_time),
        Column("upcoming", "Anstehend", lambda meeting: meeting.is_upcoming(today)),
        Column("kind", "Art", lambda meeting: meeting.kind, text=lambda meeting: meeting.get_kind_display()),
        Column("format", "Format", lambda meeting: meeting.format, text=lambda meeting: meeting.get_format_display()),
        Column("status", "Status", lambda meeting: meeting.status, text=lambda meeting: meeting.get_status_display()),
        Column("place", "Ort", lambda meeting: meeting.place_display),
        Column(
            "networks",
            "Netzwerke",
            lambda meeting: [network.slug for network in meeting.networks.all()],
            text=lambda meeting: [network.name for network in meeting.networks.all()],
        ),
        Column("report", "Bericht", lambda meeting: hasattr(meeting, "report") and meeting.report.is_published),
        Column("url", "Seite im Verzeichnis", lambda m: request.build_absolute_uri(m.get_absolute_url())),
        sources_column(),
    ]


def meeting_export(request, fmt):
    """The filtered meetings of /treffen/ as CSV or JSON: the upcoming ones first, then the past, as on the page."""
    filterset = meeting_filterset(request)
    if error := bad_filter_response(filterset, fmt):
        return error
    today = timezone.localdate()
    meetings = filterset.qs.prefetch_related(with_sources())
    meetings = [*meetings.upcoming(today).order_by("starts_on", "title"), *meetings.past(today)]
    return export_response(
        meetings, meeting_columns(request), fmt=fmt, stem="engagierte-stadt-treffen", filterset=filterset
    )


def meeting_calendar(request):
    """The meetings of /treffen/ with the same filters, as an iCalendar feed."""
    filterset = meeting_filterset(request)
    if error := bad_filter_response(filterset, "ics"):
        return error
    page_url = request.build_absolute_uri(reverse("events:meeting_list") + export_query(request))
    filtered = " in der gewählten Auswahl" if applied_filters(filterset) else ""
    calendar = build_calendar(
        request,
        filterset.qs,
        name="Treffen der Engagierten Städte",
        intro=f"Treffen der Netzwerke Engagierter Städte{filtered}, aus dem Netzwerkverzeichnis.",
        page_url=page_url,
        calendar_id="treffen",
    )
    return calendar_response(calendar, "treffen")


def network_calendar(request, slug):
    """The meetings a network organises, as an iCalendar feed."""
    network = get_object_or_404(Network, slug=slug)
    calendar = build_calendar(
        request,
        Meeting.objects.filter(networks=network).with_relations(),
        name=f"Treffen: {network.name}",
        intro=f"Treffen von {network.name}, aus dem Netzwerkverzeichnis Engagierte Stadt.",
        page_url=request.build_absolute_uri(network.get_absolute_url()),
        calendar_id=f"netzwerk-{network.pk}",
    )
    return calendar_response(calendar, f"treffen-{network.slug}")


def city_calendar(request, slug):
    """The meetings a town hosts, attends or where it takes place, as an iCalendar feed."""
    city = get_object_or_404(City, slug=slug)
    meetings = Meeting.objects.of_towns([city]).with_relations()
    calendar = build_calendar(
        request,
        meetings,
        name=f"Treffen: {city.official_name}",
        intro=f"Treffen, zu denen {city.official_name} einlädt, an denen die Stadt teilnimmt oder die dort "
        "stattfinden, aus dem Netzwerkverzeichnis Engagierte Stadt.",
        page_url=request.build_absolute_uri(city.get_absolute_url()),
        calendar_id=f"stadt-{city.pk}",
    )
    return calendar_response(calendar, f"treffen-{city.slug}")
