from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from cities.models import City
from core import seo
from core.caching import remember
from core.exports import (
    Column,
    applied_filters,
    bad_filter_response,
    download,
    export_response,
    sources_column,
    with_sources,
    write_csv,
    write_json,
)
from core.listing import capped, filter_chips, paginate, render_list, vary_on_htmx
from core.maps import render_germany_map
from core.models import Source
from core.subqueries import row_count
from events.models import Meeting, MeetingReport
from networks.models import Campaign, Membership, MembershipRole, Network, NetworkKind, SeatTerm, StatedCount, SubGroup
from public.filters.networks import MatrixFilterSet, NetworkFilterSet

NETWORKS_PER_PAGE = 30
MATRIX_ROWS_PER_PAGE = 60
# The matrix shows this many network columns at a time; "?spalten=2" pages through the others.
MATRIX_COLUMNS_PER_PAGE = 12
COLUMN_PAGE_PARAM = "spalten"
# Network page: member towns, meetings and reports listed (the directories list them all), towns
# named per campaign, sub-networks named.
NETWORK_MEMBERS_SHOWN = 50
NETWORK_MEETINGS_SHOWN = 10
NETWORK_REPORTS_SHOWN = 5
CAMPAIGN_CITIES_SHOWN = 20
CHILDREN_SHOWN = 20


def network_filterset(request) -> NetworkFilterSet:
    """The network list's filters: the same for the page and its downloads."""
    networks = Network.objects.with_member_count().select_related("host", "parent").prefetch_related("states")
    return NetworkFilterSet(request.GET or None, queryset=networks.in_kind_order())


@vary_on_htmx
def network_list(request):
    filterset = network_filterset(request)
    context = {
        "filter": filterset,
        "page": paginate(request, filterset.qs, NETWORKS_PER_PAGE),
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "nav": "networks",
    }
    return render_list(request, "networks/network_list.html", context)


def network_columns(request) -> list[Column]:
    return [
        Column("name", "Name", lambda network: network.name),
        Column("short_name", "Kurzname", lambda network: network.short_name),
        Column("slug", "Kürzel", lambda network: network.slug),
        Column("kind", "Art", lambda network: network.kind, text=lambda network: network.get_kind_display()),
        Column("status", "Status", lambda network: network.status, text=lambda network: network.get_status_display()),
        Column(
            "states",
            "Bundesländer",
            lambda network: [state.slug for state in network.states.all()],
            text=lambda network: [state.name for state in network.states.all()],
        ),
        # JSON: the first day of the period plus its precision; CSV: the period as the page writes it.
        Column("started_on", "Beginn", lambda network: network.started_on, text=lambda n: n.started_display),
        Column(
            "started_precision",
            "Genauigkeit des Beginns",
            lambda network: network.started_precision if network.started_on else None,
            text=lambda network: network.get_started_precision_display() if network.started_on else "",
        ),
        Column("ended_on", "Ende", lambda network: network.ended_on, text=lambda network: network.ended_display),
        Column(
            "ended_precision",
            "Genauigkeit des Endes",
            lambda network: network.ended_precision if network.ended_on else None,
            text=lambda network: network.get_ended_precision_display() if network.ended_on else "",
        ),
        Column("member_count", "Mitgliedsstädte im Verzeichnis", lambda network: network.member_count),
        Column("declared_member_count", "Angegebene Zahl der Mitgliedsstädte", lambda n: n.declared_member_count),
        Column("host", "Träger", lambda network: network.host.name if network.host else None),
        Column(
            "parent",
            "Übergeordnetes Netzwerk",
            lambda network: network.parent.slug if network.parent else None,
            text=lambda network: network.parent.name if network.parent else "",
        ),
        Column("website", "Website", lambda network: network.website),
        Column("url", "Seite im Verzeichnis", lambda n: request.build_absolute_uri(n.get_absolute_url())),
        sources_column(),
    ]


def network_export(request, fmt):
    """The filtered networks of /netzwerke/ as CSV or JSON, in the page's order."""
    filterset = network_filterset(request)
    if error := bad_filter_response(filterset, fmt):
        return error
    return export_response(
        filterset.qs.prefetch_related(with_sources()),
        network_columns(request),
        fmt=fmt,
        stem="engagierte-stadt-netzwerke",
        filterset=filterset,
    )


def shared_details(members: list[Membership]) -> dict:
    """What every listed member has in common (state, date of joining, role): the page says it once
    above the list instead of on each of its lines."""
    if len(members) < 2:
        return {}
    first = members[0]
    shared = {}
    if len({member.city.state_id for member in members}) == 1:
        shared["state"] = first.city.state
    if first.since_display and len({member.since_display for member in members}) == 1:
        shared["since"] = first.since_display
    if first.role != MembershipRole.MEMBER and len({member.role for member in members}) == 1:
        shared["role"] = first.get_role_display()
    return shared


def network_detail(request, slug):
    network = get_object_or_404(
        Network.objects.with_member_count()
        .annotate(child_count=row_count(Network.objects, "parent"))
        .select_related("host", "parent")
        .prefetch_related(
            "states",
            "partners",
            Prefetch("children", queryset=Network.objects.in_kind_order()[:CHILDREN_SHOWN], to_attr="shown_children"),
            Prefetch(
                "subgroups",
                queryset=SubGroup.objects.annotate(listed_members=row_count(Membership.objects.current(), "subgroup")),
            ),
            Prefetch("seats__terms", queryset=SeatTerm.objects.select_related("person__city").order_by("-elected_on")),
            Prefetch("stated_counts", queryset=StatedCount.objects.order_by("as_of")),
            Prefetch(
                "campaigns",
                queryset=Campaign.objects.annotate(city_count=Count("cities")).prefetch_related(
                    Prefetch(
                        "cities", queryset=City.objects.order_by("name")[:CAMPAIGN_CITIES_SHOWN], to_attr="shown_cities"
                    )
                ),
            ),
        ),
        slug=slug,
    )
    for campaign in network.campaigns.all():
        campaign.more_cities = campaign.city_count - len(campaign.shown_cities)
    members = list(
        Membership.objects.current()
        .filter(network=network)
        .select_related("city__state", "subgroup")
        .order_by("subgroup__name", "city__name")[:NETWORK_MEMBERS_SHOWN]
    )
    meetings, meeting_count = capped(Meeting.objects.filter(networks=network).with_relations(), NETWORK_MEETINGS_SHOWN)
    reports, report_count = capped(
        MeetingReport.objects.published().filter(meeting__networks=network).select_related("meeting"),
        NETWORK_REPORTS_SHOWN,
    )
    stated_counts = list(network.stated_counts.all())  # oldest first; the last is the newest
    member_cities = City.objects.in_networks([network])
    points = member_cities.map_points()
    context = {
        "network": network,
        "members": members,
        "shared": shared_details(members),
        "more_members": network.member_count - len(members),
        "meetings": meetings,
        "meeting_count": meeting_count,
        "reports": reports,
        "report_count": report_count,
        "jsonld": seo.network_jsonld(request, network, members),
        # A Landesnetzwerk covers its state: it is shaded. A regional network, a tandem or a
        # thematic network spans parts of states: the map zooms to its towns instead.
        "map": render_germany_map(
            points,
            highlight_states=[state.code for state in network.states.all()]
            if network.kind == NetworkKind.STATE
            else (),
            title=f"Mitgliedsstädte von {network.name}",
            zoom=network.kind != NetworkKind.FEDERAL,
        ),
        "map_clustered": points.clustered,
        "stated_counts": stated_counts,
        "stated_count": stated_counts[-1] if stated_counts else None,
        "sources": Source.objects.footnotes(
            network,
            *stated_counts,
            *(term for seat in network.seats.all() for term in seat.terms.all()),
            *network.campaigns.all(),
            *members,
        ),
        "nav": "networks",
    }
    return render(request, "networks/network_detail.html", context)


def matrix_filterset(request) -> MatrixFilterSet:
    return MatrixFilterSet(request.GET or None, queryset=City.objects.active().with_state().order_by("name"))


def matrix_columns(request, filterset: MatrixFilterSet):
    """The page of columns and its networks. Without filters (only paging) every visitor sees the
    same columns: their ids are listed once per state of the directory, and a page fetches its own."""
    unfiltered = not filterset.is_bound or (filterset.is_valid() and not any(filterset.form.cleaned_data.values()))
    if not unfiltered:
        columns = paginate(request, filterset.networks(), MATRIX_COLUMNS_PER_PAGE, param=COLUMN_PAGE_PARAM)
        return columns, list(columns.object_list)
    ids = remember("matrix:columns", lambda: list(filterset.networks().values_list("pk", flat=True)))
    columns = paginate(request, ids, MATRIX_COLUMNS_PER_PAGE, param=COLUMN_PAGE_PARAM)
    by_id = Network.objects.in_bulk(list(columns.object_list))
    return columns, [by_id[pk] for pk in columns.object_list if pk in by_id]


@vary_on_htmx
def membership_matrix(request):
    """Towns as rows, networks as columns: who belongs to which network, at a glance.

    Rows and columns are both paged ("?seite=", "?spalten="), so the table stays the same size
    however many towns and networks the directory holds."""
    filterset = matrix_filterset(request)
    page = paginate(request, filterset.qs, MATRIX_ROWS_PER_PAGE)
    columns, networks = matrix_columns(request, filterset)
    cities = list(page.object_list)
    memberships = set(
        Membership.objects.current()
        .filter(city__in=[c.pk for c in cities], network__in=[n.pk for n in networks])
        .values_list("city_id", "network_id")
    )
    rows = [(city, [(network, (city.pk, network.pk) in memberships) for network in networks]) for city in cities]
    context = {
        "filter": filterset,
        "networks": networks,
        "columns": columns,
        "rows": rows,
        "page": page,
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "nav": "networks",
    }
    return render_list(request, "networks/matrix.html", context)


def matrix_export(request, fmt):
    """The whole filtered matrix: in CSV a column per network with "x" for a member; in JSON each town
    with the slugs of its networks (among the columns), the columns listed in the envelope."""
    filterset = matrix_filterset(request)
    if error := bad_filter_response(filterset, fmt):
        return error
    cities = list(filterset.qs)
    networks = list(filterset.networks())
    memberships = set(
        Membership.objects.current()
        .filter(city__in=filterset.qs.values("pk"), network__in=[network.pk for network in networks])
        .values_list("city_id", "network_id")
    )
    if fmt == "csv":
        rows = (
            [city.official_name, city.state.name]
            + ["x" if (city.pk, network.pk) in memberships else "" for network in networks]
            for city in cities
        )
        content = write_csv(["Stadt", "Bundesland", *(network.name for network in networks)], rows)
    else:
        towns = [
            {
                "name": city.official_name,
                "slug": city.slug,
                "state": city.state.slug,
                "networks": [network.slug for network in networks if (city.pk, network.pk) in memberships],
            }
            for city in cities
        ]
        columns = [{"slug": network.slug, "name": network.name, "kind": network.kind} for network in networks]
        content = write_json(towns, filters=applied_filters(filterset), networks=columns)
    return download(content, "engagierte-stadt-mitgliedschaften", fmt)
