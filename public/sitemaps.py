"""The sitemap: /sitemap.xml is an index of one sitemap per section (/sitemap-staedte.xml …),
each split into pages of SECTION_LIMIT addresses (?p=2 …), well below the protocol's 50,000.

No lastmod: a town's or network's page changes with its memberships and meetings, not only
with its own row, and a wrong date would keep crawlers away from changed pages.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.models import City, State
from events.models import Meeting
from networks.models import Network

SECTION_LIMIT = 5_000


class SectionSitemap(Sitemap):
    changefreq = "monthly"
    limit = SECTION_LIMIT


class StaticPagesSitemap(SectionSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "cities:city_list",
            "networks:network_list",
            "networks:matrix",
            "cities:state_list",
            "events:meeting_list",
            "figures",
            "joining",
        ]

    def location(self, item):
        return reverse(item)


class CitySitemap(SectionSitemap):
    def items(self):
        return City.objects.active().order_by("slug").only("slug")


class NetworkSitemap(SectionSitemap):
    def items(self):
        return Network.objects.order_by("slug").only("slug")


class StateSitemap(SectionSitemap):
    def items(self):
        return State.objects.order_by("slug").only("slug")


class MeetingSitemap(SectionSitemap):
    def items(self):
        return Meeting.objects.order_by("slug").only("slug")


SITEMAPS = {
    "seiten": StaticPagesSitemap,
    "staedte": CitySitemap,
    "netzwerke": NetworkSitemap,
    "laender": StateSitemap,
    "treffen": MeetingSitemap,
}
