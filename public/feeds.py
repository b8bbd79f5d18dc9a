"""Atom feeds of the published reports: all of them, and those of one network."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from core.templatetags.site import markdown
from events.models import MeetingReport
from networks.models import Network

ITEMS_PER_FEED = 30


class ReportFeed(Feed):
    feed_type = Atom1Feed
    title = "Berichte von den Treffen der Engagierten Städte"
    subtitle = "Neu veröffentlichte Berichte aus den Netzwerken im Programm Engagierte Stadt."

    def link(self):
        return reverse("events:meeting_list")

    def reports(self):
        return MeetingReport.objects.published().select_related("meeting", "author").order_by("-published_at")

    def items(self):
        return self.reports()[:ITEMS_PER_FEED]

    def item_title(self, item):
        return item.meeting.title

    def item_description(self, item):
        # The same sanitising filter as the meeting page: no script or event handler reaches a reader.
        lead = format_html("<p><strong>{}</strong></p>", item.lead) if item.lead.strip() else ""
        return lead + markdown(item.body)

    def item_link(self, item):
        return item.meeting.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_author_name(self, item):
        return item.author.display_name if item.author else None


class NetworkReportFeed(ReportFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Network, slug=slug)

    def title(self, network):
        return f"Berichte: {network.name}"

    def subtitle(self, network):
        return f"Neu veröffentlichte Berichte von den Treffen des Netzwerks „{network.name}“."

    def link(self, network):
        return network.get_absolute_url()

    def items(self, network):
        return self.reports().filter(meeting__networks=network).distinct()[:ITEMS_PER_FEED]
