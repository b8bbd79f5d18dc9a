from django.urls import path, re_path
from django.views.decorators.http import require_safe

from core.exports import FORMAT_PATTERN
from public import feeds
from public.views import meetings as views

app_name = "events"

urlpatterns = [
    path("treffen/", require_safe(views.meeting_list), name="meeting_list"),
    re_path(rf"^treffen/{FORMAT_PATTERN}", require_safe(views.meeting_export), name="meeting_export"),
    # iCalendar feeds: the filtered list, one network, one town
    path("treffen/kalender.ics", require_safe(views.meeting_calendar), name="meeting_calendar"),
    path("netzwerke/<slug:slug>/kalender.ics", require_safe(views.network_calendar), name="network_calendar"),
    path("staedte/<slug:slug>/kalender.ics", require_safe(views.city_calendar), name="city_calendar"),
    path("treffen/<slug:slug>/", require_safe(views.meeting_detail), name="meeting_detail"),
    # Atom feeds of the published reports
    path("berichte/feed/", require_safe(feeds.ReportFeed()), name="report_feed"),
    path("netzwerke/<slug:slug>/berichte/feed/", require_safe(feeds.NetworkReportFeed()), name="network_report_feed"),
]
