from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from cities.models import City
from engagiert import seo
from engagiert.listing import filter_chips, paginate, render_list, vary_on_htmx
from engagiert.maps import render_germany_map
from events.models import Meeting, MeetingReport
from networks.filters import MatrixFilterSet, NetworkFilterSet
from networks.models import Campaign, Membership, Network, SeatTerm

NETWORKS_PER_PAGE = 30
MATRIX_ROWS_PER_PAGE = 60


@vary_on_htmx
def network_list(request):
    networks = Network.objects.with_member_count().select_related("host", "parent").prefetch_related("states")
    filterset = NetworkFilterSet(request.GET or None, queryset=networks.in_kind_order())
    context = {
        "filter": filterset,
        "page": paginate(request, filterset.qs, NETWORKS_PER_PAGE),
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "nav": "networks",
    }
    return render_list(request, "networks/network_list.html", context)


def network_detail(request, slug):
    network = get_object_or_404(
        Network.objects.with_member_count()
        .select_related("host", "parent")
        .prefetch_related(
            "states",
            "partners",
            "children",
            "subgroups",
            Prefetch("seats__terms", queryset=SeatTerm.objects.select_related("person__city").order_by("-elected_on")),
            Prefetch("campaigns", queryset=Campaign.objects.prefetch_related("cities")),
        ),
        slug=slug,
    )
    members = list(
        Membership.objects.current()
        .filter(network=network)
        .select_related("city__state", "subgroup")
        .order_by("subgroup__name", "city__name")
    )
    meetings = Meeting.objects.filter(networks=network).with_relations()
    reports = (
        MeetingReport.objects.published().filter(meeting__networks=network).select_related("meeting").distinct()
    )
    member_cities = City.objects.in_networks([network])
    context = {
        "network": network,
        "members": members,
        "member_subgroup_ids": {m.subgroup_id for m in members if m.subgroup_id},
        "meetings": meetings,
        "reports": reports,
        "jsonld": seo.network_jsonld(request, network, members),
        "map": render_germany_map(
            member_cities.map_points(),
            highlight_states=[state.code for state in network.states.all()],
            title=f"Mitgliedsstädte von {network.name}",
        ),
        "nav": "networks",
    }
    return render(request, "networks/network_detail.html", context)


@vary_on_htmx
def membership_matrix(request):
    """Towns as rows, networks as columns: who belongs to which network, at a glance."""
    filterset = MatrixFilterSet(request.GET or None, queryset=City.objects.active().with_state().order_by("name"))
    page = paginate(request, filterset.qs, MATRIX_ROWS_PER_PAGE)
    cities = list(page.object_list)
    networks = list(filterset.networks())
    memberships = set(
        Membership.objects.current()
        .filter(city__in=[c.pk for c in cities], network__in=[n.pk for n in networks])
        .values_list("city_id", "network_id")
    )
    rows = [(city, [(network, (city.pk, network.pk) in memberships) for network in networks]) for city in cities]
    context = {
        "filter": filterset,
        "networks": networks,
        "rows": rows,
        "page": page,
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "nav": "networks",
    }
    return render_list(request, "networks/matrix.html", context)
