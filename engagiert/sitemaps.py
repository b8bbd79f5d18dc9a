from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.models import City, State
from events.models import Meeting
from networks.models import Network


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "cities:city_list",
            "networks:network_list",
            "networks:matrix",
            "cities:state_list",
            "events:meeting_list",
        ]

    def location(self, item):
        return reverse(item)


class CitySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return City.objects.active().order_by("slug").only("slug")


class NetworkSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Network.objects.order_by("slug").only("slug")


class StateSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return State.objects.order_by("slug").only("slug")


class MeetingSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Meeting.objects.order_by("slug").only("slug")


SITEMAPS = {
    "seiten": StaticPagesSitemap,
    "staedte": CitySitemap,
    "netzwerke": NetworkSitemap,
    "laender": StateSitemap,
    "treffen": MeetingSitemap,
}
