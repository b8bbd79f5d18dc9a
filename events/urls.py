from django.urls import path, re_path

from engagiert.exports import FORMAT_PATTERN
from events import editorial, feeds, views

app_name = "events"

urlpatterns = [
    path("treffen/", views.meeting_list, name="meeting_list"),
    re_path(rf"^treffen/{FORMAT_PATTERN}", views.meeting_export, name="meeting_export"),
    # iCalendar feeds: the filtered list, one network, one town
    path("treffen/kalender.ics", views.meeting_calendar, name="meeting_calendar"),
    path("netzwerke/<slug:slug>/kalender.ics", views.network_calendar, name="network_calendar"),
    path("staedte/<slug:slug>/kalender.ics", views.city_calendar, name="city_calendar"),
    path("treffen/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    # Atom feeds of the published reports
    path("berichte/feed/", feeds.ReportFeed(), name="report_feed"),
    path("netzwerke/<slug:slug>/berichte/feed/", feeds.NetworkReportFeed(), name="network_report_feed"),
    # The spokespersons' editorial area
    path("redaktion/", editorial.home, name="editorial_home"),
    path("redaktion/neues-treffen/", editorial.meeting_new, name="editorial_meeting_new"),
    path("redaktion/treffen/<slug:slug>/", editorial.meeting_edit, name="editorial_meeting_edit"),
    path("redaktion/treffen/<slug:slug>/bericht/", editorial.report, name="editorial_report"),
    path("redaktion/treffen/<slug:slug>/bericht/vorschau/", editorial.preview, name="editorial_preview"),
    path("redaktion/treffen/<slug:slug>/fotos/", editorial.photo_add, name="editorial_photo_add"),
    path(
        "redaktion/treffen/<slug:slug>/fotos/<int:pk>/loeschen/", editorial.photo_delete, name="editorial_photo_delete"
    ),
]
