import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cities.models import City, Organization, Person
from core.caching import memory_bound, remember
from core.maps import render_germany_map
from core.models import Source
from core.text import fold, visible_text
from events.models import Meeting, MeetingReport
from networks.models import Campaign, Network, StatePartnership
from public.figures import programme_figure

logger = logging.getLogger(__name__)

HOME_MAP_TITLE = "Karte aller Engagierten Städte im Verzeichnis"
SEARCH_MAX_LENGTH = 100
SEARCH_RESULTS_PER_KIND = 20


def home(request):
    today = timezone.localdate()
    cities = City.objects.active()
    context = {
        "programme": programme_figure(),
        "figures": {
            "networks": Network.objects.active().count(),
            "partners": StatePartnership.objects.count(),
            "meetings_this_year": Meeting.objects.filter(starts_on__year=today.year).count(),
        },
        "year": today.year,
        "map": remember("map:home", lambda: render_germany_map(cities.map_points(), title=HOME_MAP_TITLE)),
        "upcoming": Meeting.objects.announced(today).with_relations().order_by("starts_on")[:3],
        "reports": MeetingReport.objects.published().select_related("meeting").order_by("-published_at")[:3],
    }
    return render(request, "home.html", context)


def impressum(request):
    return render(request, "impressum.html", {"operator": operator()})


def privacy(request):
    return render(request, "datenschutz.html", {"operator": operator()})


def operator() -> dict:
    """The operator of the site from settings.SITE_OPERATOR, the address split into its lines."""
    named = dict(settings.SITE_OPERATOR)
    named["address_lines"] = [line.strip() for line in named.get("address", "").split(";") if line.strip()]
    named["complete"] = bool(named.get("name") and named["address_lines"] and named.get("email"))
    return named


# The sources of /mitmachen/ (demo/network.toml), in the order the page cites them first.
JOINING_SOURCES = (
    "engagierte-stadt-werden",
    "faq-interessenbekundung-2023",
    "nhz-interessenbekundung-2023",
    "erzgebirgskreis-engagierte-stadt-werden-2021",
)


def joining(request):
    """How a town becomes an Engagierte Stadt: the programme's conditions, each with its source."""
    found = Source.objects.in_bulk(JOINING_SOURCES, field_name="key")
    sources = [found[key] for key in JOINING_SOURCES if key in found]
    for number, source in enumerate(sources, start=1):
        source.number = number
    return render(request, "joining.html", {"sources": sources, **programme_figure()})


@dataclass
class Hits:
    shown: list
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.shown)


def _hits(queryset) -> Hits:
    return Hits(list(queryset[:SEARCH_RESULTS_PER_KIND]), queryset.count())


def search(request):
    """One search box over towns, networks, people, campaigns, organisations, meetings and reports.

    Each kind lists exact names first, then names that begin with the query, then the rest.
    When nothing contains the query, the closest names of towns, networks and people are
    offered instead ("Witenberg" finds Wittenberg; `SearchableQuerySet.similar`).
    """
    query = visible_text(request.GET.get("q", ""))
    error = ""
    results = {}
    similar = {}
    if len(query) > SEARCH_MAX_LENGTH:
        error = f"Bitte höchstens {SEARCH_MAX_LENGTH} Zeichen eingeben."
    elif fold(query):
        results = {
            "cities": _hits(City.objects.active().search(query).select_related("state").best_first(query)),
            "networks": _hits(Network.objects.search(query).best_first(query)),
            "people": _hits(Person.objects.search(query).select_related("city").best_first(query)),
            "campaigns": _hits(Campaign.objects.search(query).select_related("network").best_first(query)),
            "organizations": _hits(Organization.objects.search(query).select_related("city").best_first(query)),
            "meetings": _hits(Meeting.objects.search(query).select_related("place_city").best_first(query, "title")),
            "reports": _hits(MeetingReport.objects.published().search(query).select_related("meeting")),
        }
        if not any(hits.count for hits in results.values()):
            similar = {
                "cities": City.objects.active().select_related("state").similar(query),
                "networks": Network.objects.similar(query),
                "people": Person.objects.select_related("city").similar(query),
            }
    else:
        query = ""
    context = {
        "query": query[:SEARCH_MAX_LENGTH],
        "error": error,
        "results": results,
        "similar": similar,
        "similar_found": any(similar.values()),
        "total": sum(hits.count for hits in results.values()),
    }
    return render(request, "search.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """500, or 503 with a German "back in a moment" page while the database cannot be reached.

    Persistent connections are health-checked before reuse (CONN_HEALTH_CHECKS), so once the
    database answers again the next request reconnects by itself; no restart is needed.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable()
    return render(request, "500.html", status=500)


def database_unavailable() -> HttpResponse:
    # Rendered without a request context: nothing on it may need the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers, 503 otherwise.

    The cache is reported but does not fail the check: without Redis the pages still work.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        logger.warning("Health check: database unavailable", exc_info=True)
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unavailable"
        # A Redis without maxmemory and an evicting policy fills up with pages (README: Redis).
        checks["cache_memory"] = memory_bound()
    except Exception:  # any cache backend error, e.g. redis.ConnectionError
        logger.warning("Health check: cache unavailable", exc_info=True)
        checks["cache"] = "unavailable"
    healthy = checks["database"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
