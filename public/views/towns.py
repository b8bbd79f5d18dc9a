from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cities.models import City, CityKind, Person, State
from core import seo
from core.caching import remember
from core.exports import Column, bad_filter_response, export_response, sources_column, with_sources
from core.listing import capped, filter_chips, fragment_part, paginate, render_list, vary_on_htmx
from core.maps import render_germany_map
from core.models import Source
from core.subqueries import row_count
from events.models import Meeting
from networks.models import Membership, Network, NetworkKind, PartnershipCommitment
from public.figures import programme_figure
from public.filters.networks import network_picker
from public.filters.towns import CityFilterSet

CITIES_PER_PAGE = 24
# Town cards of /staedte/: networks named per town (the town page names them all).
CARD_NETWORKS_SHOWN = 6
# Town page: fellow members named per network, meetings listed.
FELLOWS_SHOWN = 10
TOWN_MEETINGS_SHOWN = 10
# State page: towns and networks listed (the directories list them all, filtered by the state).
STATE_CITIES_SHOWN = 30
STATE_NETWORKS_SHOWN = 20
# State list: networks named per state.
STATE_LIST_NETWORKS_SHOWN = 4


def city_filterset(request) -> CityFilterSet:
    """The directory's filters (today's members unless asked for former ones): the same for the page and its downloads."""
    return CityFilterSet(request.GET or None, queryset=City.objects.with_state())


@vary_on_htmx
def city_list(request):
    filterset = city_filterset(request)
    cities = filterset.qs
    part = fragment_part(request)
    chips = filter_chips(filterset) if filterset.is_bound else []
    if part == "karte":
        # The map of an htmx result list comes in a request of its own, so the results stay small.
        return render(request, "cities/city_list.html#map", map_context(cities, zoom=bool(chips)))
    picker = network_picker(filterset, kinds_field="art")
    if part == "netzwerke":
        return render(request, "networks/network_picker.html#choices", {"picker": picker})
    badges = Prefetch("memberships", Membership.objects.badges(CARD_NETWORKS_SHOWN), to_attr="network_tags")
    page = paginate(request, cities.prefetch_related(badges), CITIES_PER_PAGE)
    # Towns of the sister programme are listed, never counted as Engagierte Städte.
    lands_found = cities.filter(kind=CityKind.LAND).count() if page.paginator.count else 0
    for city in page.object_list:
        city.more_networks = city.network_tags[0].of_town - len(city.network_tags) if city.network_tags else 0
    context = {
        "filter": filterset,
        "picker": picker,
        "page": page,
        "chips": chips,
        "towns_found": page.paginator.count - lands_found,
        "lands_found": lands_found,
        "lazy_map": part is not None,
        "nav": "cities",
    }
    if part is None:
        # Without a filter (sorted or paged at most) every visitor sees the same map of all of today's
        # towns: made once per state of the directory.
        if chips:
            context.update(map_context(cities, zoom=True))
        else:
            context.update(remember("map:towns", lambda: map_context(City.objects.active(), zoom=False)))
        context.update(programme_figure())
    return render_list(request, "cities/city_list.html", context)


def map_context(cities, *, zoom: bool) -> dict:
    """The map of the found towns; with filters it shows only the area where they lie."""
    points = cities.map_points()
    return {
        "map": render_germany_map(points, title="Karte der gefundenen Engagierten Städte", zoom=zoom),
        "map_clustered": points.clustered,
        "map_zoomed": zoom,
    }


def city_columns(request) -> list[Column]:
    def network_names(city):
        return [membership.network.name for membership in city.current_memberships]

    return [
        Column("name", "Name", lambda city: city.official_name),
        Column("slug", "Kürzel", lambda city: city.slug),
        Column("kind", "Art", lambda city: city.kind, text=lambda city: city.get_kind_display()),
        Column("state", "Bundesland", lambda city: city.state.slug, text=lambda city: city.state.name),
        Column("joined_year", "Dabei seit", lambda city: city.joined_year),
        Column("population", "Einwohnerzahl", lambda city: city.population),
        Column("population_year", "Einwohnerzahl (Stand)", lambda city: city.population_year),
        Column(
            "coordination_model",
            "Koordinierung",
            lambda city: city.coordination_model or None,
            text=lambda city: city.get_coordination_model_display() if city.coordination_model else "",
        ),
        Column(
            "coordinating_organization",
            "Koordinierungsstelle",
            lambda city: city.coordinating_organization.name if city.coordinating_organization else None,
        ),
        Column(
            "networks",
            "Netzwerke",
            lambda city: [membership.network.slug for membership in city.current_memberships],
            text=network_names,
        ),
        Column("website", "Website", lambda city: city.website),
        Column("programme_url", "Seite auf engagiertestadt.de", lambda city: city.programme_url),
        Column("latitude", "Breitengrad", lambda city: city.latitude),
        Column("longitude", "Längengrad", lambda city: city.longitude),
        Column("url", "Seite im Verzeichnis", lambda city: request.build_absolute_uri(city.get_absolute_url())),
        sources_column(),
    ]


def city_export(request, fmt):
    """The filtered towns of /staedte/ as CSV or JSON, all pages, in the page's order."""
    filterset = city_filterset(request)
    if error := bad_filter_response(filterset, fmt):
        return error
    return export_response(
        filterset.qs.with_current_networks().prefetch_related(with_sources()),
        city_columns(request),
        fmt=fmt,
        stem="engagierte-staedte",
        filterset=filterset,
    )


def city_detail(request, slug):
    memberships = Membership.objects.current().select_related("network", "subgroup").in_network_order()
    towns = City.objects.with_state().prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="current_memberships"),
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(network__kind=NetworkKind.FEDERAL).order_by("since"),
            to_attr="programme_periods",
        ),
        Prefetch("people", queryset=Person.objects.select_related("organization")),
        "campaigns__network",
    )
    try:
        city = towns.get(slug=slug)
    except City.DoesNotExist:
        if (named := City.objects.with_official_slug(slug)) is not None:
            return redirect(named, permanent=True)  # /staedte/lutherstadt-wittenberg/ → /staedte/wittenberg/
        raise Http404("Keine Engagierte Stadt unter dieser Adresse.") from None
    meetings, meeting_count = capped(
        Meeting.objects.of_towns([city]).with_relations(),
        TOWN_MEETINGS_SHOWN,
    )
    fellows = {}
    networks = [m.network_id for m in city.current_memberships if m.network.kind != NetworkKind.FEDERAL]
    for fellow in town_fellows(city, networks):
        fellows.setdefault(fellow.network_id, []).append(fellow)
    for membership in city.current_memberships:
        shown = fellows.get(membership.network_id, [])
        membership.fellows = [fellow.city for fellow in shown]
        membership.more_fellows = shown[0].fellow_count - len(shown) if shown else 0
    tandem_partners = {
        fellow
        for membership in city.current_memberships
        if membership.network.kind == NetworkKind.TANDEM
        for fellow in membership.fellows
    }
    context = {
        "city": city,
        "meetings": meetings,
        "meeting_count": meeting_count,
        "tandem_partners": sorted(tandem_partners, key=lambda other: other.name),
        "sources": Source.objects.footnotes(city, *city.current_memberships, *city.programme_periods),
        "jsonld": seo.city_jsonld(request, city),
        "map": render_germany_map(
            [
                {
                    "name": city.official_name,
                    "url": city.get_absolute_url(),
                    "latitude": city.latitude,
                    "longitude": city.longitude,
                }
            ],
            highlight_states=[city.state.code],
            title=f"Lage von {city.official_name}",
        ),
        "nav": "cities",
    }
    return render(request, "cities/city_detail.html", context)


def town_fellows(city, networks: list[int]) -> list[Membership]:
    """The first `FELLOWS_SHOWN` active fellow members (by name) of each of the `networks` (ids of
    the town's networks but the federal one), each with `fellow_count`, the number of all of them (as
    many as the directory lists for the network, the town itself aside); one query. The ids are
    spelt out: PostgreSQL then expects as many fellows as these networks have (a subquery made it
    expect the thousands of the federal network)."""
    per_network = {"partition_by": [F("network_id")]}
    return list(
        Membership.objects.current()
        .filter(network__in=networks)
        .exclude(city=city)
        .filter(city__active=True)
        .select_related("city__state")
        .annotate(
            position=Window(RowNumber(), order_by=[F("city__name").asc(), F("city_id").asc()], **per_network),
            fellow_count=Window(Count("pk"), **per_network),
        )
        .filter(position__lte=FELLOWS_SHOWN)
        .order_by("network_id", "position")
    )


def state_list(request):
    shown_networks = Network.objects.exclude(kind=NetworkKind.FEDERAL).in_kind_order()[:STATE_LIST_NETWORKS_SHOWN]
    states = (
        State.objects.with_directory_figures()
        .annotate(
            network_count=row_count(Network.states.through.objects.exclude(network__kind=NetworkKind.FEDERAL), "state")
        )
        .prefetch_related(Prefetch("networks", queryset=shown_networks, to_attr="shown_networks"))
    )
    states = list(states)
    for state in states:
        state.more_networks = state.network_count - len(state.shown_networks)
    return render(request, "cities/state_list.html", {"states": states, "nav": "states"})


def state_detail(request, slug):
    state = get_object_or_404(
        State.objects.with_directory_figures().prefetch_related(
            "partnership__signatories",
            "partnership__partner_organizations",
            Prefetch("partnership__commitments", queryset=PartnershipCommitment.objects.order_by("side", "position")),
        ),
        slug=slug,
    )
    cities = City.objects.active().in_state(state)  # with any town of the sister programme, marked as such
    listed, listed_count = capped(cities.order_by("name"), STATE_CITIES_SHOWN)
    networks, network_count = capped(
        Network.objects.filter(states=state).with_member_count().in_kind_order(), STATE_NETWORKS_SHOWN
    )
    points = cities.map_points()
    context = {
        "state": state,
        "cities": listed,
        "listed_count": listed_count,
        "networks": networks,
        "network_count": network_count,
        "map": render_germany_map(
            points, highlight_states=[state.code], title=f"Engagierte Städte in {state}", zoom=True
        ),
        "map_clustered": points.clustered,
        "sources": Source.objects.footnotes(partnership)
        if (partnership := getattr(state, "partnership", None))
        else [],
        "nav": "states",
    }
    return render(request, "cities/state_detail.html", context)
