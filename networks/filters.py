import django_filters

from cities.filters import choice_filter, state_filter
from cities.models import City
from networks.models import Network, NetworkKind, NetworkStatus


class NetworkFilterSet(django_filters.FilterSet):
    art = choice_filter("Art", NetworkKind.choices, field_name="kind")
    land = state_filter("states__slug", distinct=True)
    status = choice_filter("Status", NetworkStatus.choices)

    class Meta:
        model = Network
        fields = []


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
        return (
            Network.objects.filter(
                kind__in=kinds,
                memberships__until__isnull=True,
                memberships__city__in=self.qs.values("pk"),
            )
            .distinct()
            .in_kind_order()
        )
