import re
from dataclasses import dataclass

import django_filters
from django.db.models import Count, Exists, OuterRef, Window

from cities.models import City
from core.text import visible_text
from networks.models import Membership, Network, NetworkKind, NetworkStatus
from public.filters.towns import MAX_QUERY_LENGTH, choice_filter, state_filter


class NetworkFilterSet(django_filters.FilterSet):
    # No DISTINCT anywhere: it would make the database sort every matching row with all its columns.
    art = choice_filter("Art", NetworkKind.choices, field_name="kind", distinct=False)
    land = state_filter(method="filter_states")
    status = choice_filter("Status", NetworkStatus.choices, distinct=False)

    class Meta:
        model = Network
        fields = []

    def filter_states(self, queryset, name, value):
        """Networks spanning any of the states (a subquery, so each network comes once)."""
        if not value:
            return queryset
        return queryset.filter(pk__in=Network.states.through.objects.filter(state__in=value).values("network_id"))


class MatrixFilterSet(django_filters.FilterSet):
    """Filters rows (towns, by state) and columns (networks, by kind) of the membership matrix."""

    land = state_filter("state__slug")
    art = choice_filter("Art des Netzwerks", NetworkKind.choices, method="filter_kind")

    class Meta:
        model = City
        fields = []

    def filter_kind(self, queryset, name, value):
        # The kind chooses columns, not rows: see networks().
        return queryset

    def networks(self):
        """The columns: networks of the chosen kinds (all but the federal one by default) with members among the rows."""
        kinds = (self.form.cleaned_data.get("art") if self.is_bound else None) or [
            kind for kind in NetworkKind.values if kind != NetworkKind.FEDERAL
        ]
        # EXISTS per network rather than IN over all memberships: the database walks the networks in
        # their order and stops at the page's last column.
        members = Membership.objects.current().filter(network=OuterRef("pk"), city__in=self.qs.order_by().values("pk"))
        return Network.objects.filter(Exists(members), kind__in=kinds).in_kind_order()


# --- the network picker of the town and meeting filters -----------------------------------------

PICKER_SUGGESTIONS = 15
SLUG = re.compile(r"[-\w]{1,200}", re.ASCII)
PICKER_SEARCH_PARAM = "netzwerk_suche"


@dataclass
class NetworkPicker:
    """The "Netzwerk" filter of /staedte/ and /treffen/ as a compact picker.

    A checkbox per network does not scale: the directory may hold a thousand networks. The
    picker shows the chosen networks (checked) and at most `PICKER_SUGGESTIONS` further ones:
    those whose name matches the search field beside it, narrowed to the chosen states and
    network kinds, in the usual order (federal, state, regional, tandem, thematic). With no
    search term and no state, that is the federal network and the state networks first.
    The search field is no filter of the list itself; it only finds networks to tick, with a
    plain form submit as well as through HTMX (`?teil=netzwerke` answers the suggestions alone).
    """

    chosen: list
    suggestions: list
    total: int  # networks matching the search and scope, the chosen ones left out
    query: str
    states: list
    kinds: list

    @property
    def more(self) -> int:
        return self.total - len(self.suggestions)

    @property
    def scope(self) -> str:
        """The suggestions' scope in words: "in Sachsen-Anhalt mit „anhalt“"."""
        parts = []
        if self.kinds:
            parts.append("der Art " + " oder ".join(f"„{NetworkKind(kind).label}“" for kind in self.kinds))
        if self.states:
            parts.append("in " + ", ".join(state.name for state in self.states))
        if self.query:
            parts.append(f"mit „{self.query}“ im Namen")
        return " ".join(parts)


def network_picker(filterset, *, field: str = "netzwerk", kinds_field: str | None = None) -> NetworkPicker:
    """The picker for a bound or unbound FilterSet with a network field and a `land` field (one query,
    plus one when the chosen networks' field is invalid)."""
    data = filterset.data or {}
    query = visible_text(str(data.get(PICKER_SEARCH_PARAM, "")))[:MAX_QUERY_LENGTH]
    cleaned = getattr(filterset.form, "cleaned_data", {}) if filterset.is_bound else {}
    if field in cleaned:
        chosen = list(cleaned[field] or [])
    elif filterset.is_bound and data.getlist(field):
        # The field is invalid (an unknown network among them): keep ticked what exists.
        slugs = [slug for slug in data.getlist(field) if SLUG.fullmatch(slug)]
        chosen = list(Network.objects.filter(slug__in=slugs).in_kind_order())
    else:
        chosen = []
    states = list(cleaned.get("land") or [])
    kinds = list(cleaned.get(kinds_field) or []) if kinds_field else []

    candidates = Network.objects.exclude(pk__in=[network.pk for network in chosen])
    if states:
        candidates = candidates.filter(
            pk__in=Network.states.through.objects.filter(state__in=states).values("network_id")
        )
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    if query:
        candidates = candidates.search(query)
    suggestions = list(candidates.in_kind_order().annotate(matches=Window(Count("pk")))[:PICKER_SUGGESTIONS])
    return NetworkPicker(
        chosen=chosen,
        suggestions=suggestions,
        total=suggestions[0].matches if suggestions else 0,
        query=query,
        states=states,
        kinds=kinds,
    )
