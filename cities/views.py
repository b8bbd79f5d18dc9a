from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from cities.filters import CityFilterSet
from cities.models import City, Person, State
from engagiert import seo
from engagiert.exports import Column, bad_filter_response, export_response
from engagiert.listing import filter_chips, paginate, render_list, vary_on_htmx
from engagiert.maps import render_germany_map
from events.models import Meeting
from networks.models import Membership, Network, NetworkKind, PartnershipCommitment, kind_order

CITIES_PER_PAGE = 24


def city_filterset(request) -> CityFilterSet:
    """The directory's filters on the active towns: the same for the page and its downloads."""
    return CityFilterSet(request.GET or None, queryset=City.objects.active().with_state())


@vary_on_htmx
def city_list(request):
    filterset = city_filterset(request)
    cities = filterset.qs
    page = paginate(request, cities.with_current_networks(), CITIES_PER_PAGE)
    context = {
        "filter": filterset,
        "page": page,
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "map": render_germany_map(cities.map_points(), title="Karte der gefundenen Engagierten Städte"),
        "nav": "cities",
    }
    return render_list(request, "cities/city_list.html", context)


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
        Column("latitude", "Breitengrad", lambda city: city.latitude),
        Column("longitude", "Längengrad", lambda city: city.longitude),
        Column("url", "Seite im Verzeichnis", lambda city: request.build_absolute_uri(city.get_absolute_url())),
    ]


def city_export(request, fmt):
    """The filtered towns of /staedte/ as CSV or JSON, all pages, in the page's order."""
    filterset = city_filterset(request)
    if error := bad_filter_response(filterset, fmt):
        return error
    return export_response(
        filterset.qs.with_current_networks(),
        city_columns(request),
        fmt=fmt,
        stem="engagierte-staedte",
        filterset=filterset,
    )


def city_detail(request, slug):
    fellow_members = (
        Membership.objects.current().exclude(network__kind=NetworkKind.FEDERAL).select_related("city__state")
    )
    memberships = (
        Membership.objects.current()
        .select_related("network", "subgroup")
        .prefetch_related(Prefetch("network__memberships", queryset=fellow_members, to_attr="current_members"))
        .alias(kind_order=kind_order("network__kind"))
        .order_by("kind_order", "network__name")
    )
    city = get_object_or_404(
        City.objects.with_state().prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="current_memberships"),
            Prefetch("people", queryset=Person.objects.select_related("organization")),
            "campaigns__network",
        ),
        slug=slug,
    )
    meetings = (
        Meeting.objects.filter(Q(participating_cities=city) | Q(host_cities=city) | Q(place_city=city))
        .distinct()
        .with_relations()
    )
    for membership in city.current_memberships:
        membership.fellows = [m.city for m in membership.network.current_members if m.city_id != city.pk]
    tandem_partners = {
        fellow
        for membership in city.current_memberships
        if membership.network.kind == NetworkKind.TANDEM
        for fellow in membership.fellows
    }
    context = {
        "city": city,
        "meetings": meetings,
        "tandem_partners": sorted(tandem_partners, key=lambda other: other.name),
        "jsonld": seo.city_jsonld(request, city),
        "map": render_germany_map(
            [{"name": city.official_name, "url": city.get_absolute_url(), "latitude": city.latitude, "longitude": city.longitude}],
            highlight_states=[city.state.code],
            title=f"Lage von {city.official_name}",
        ),
        "nav": "cities",
    }
    return render(request, "cities/city_detail.html", context)


def state_list(request):
    states = State.objects.with_directory_figures().prefetch_related(
        Prefetch("networks", queryset=Network.objects.exclude(kind=NetworkKind.FEDERAL).order_by("name"))
    )
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
    cities = City.objects.active().in_state(state).with_state().with_current_networks()
    networks = Network.objects.filter(states=state).with_member_count().in_kind_order()
    context = {
        "state": state,
        "cities": cities,
        "networks": networks,
        "map": render_germany_map(cities.map_points(), highlight_states=[state.code], title=f"Engagierte Städte in {state}"),
        "nav": "states",
    }
    return render(request, "cities/state_detail.html", context)
