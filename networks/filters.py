import django_filters
from django import forms

from cities.models import State
from cities.models import City
from networks.models import Network, NetworkKind, NetworkStatus


class NetworkFilterSet(django_filters.FilterSet):
    art = django_filters.MultipleChoiceFilter(
        label="Art", field_name="kind", choices=NetworkKind.choices, widget=forms.CheckboxSelectMultiple
    )
    land = django_filters.ModelMultipleChoiceFilter(
        label="Bundesland",
        field_name="states__slug",
        to_field_name="slug",
        queryset=State.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=NetworkStatus.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Network
        fields = []


class MatrixFilterSet(django_filters.FilterSet):
    """Filters rows (towns, by state) and columns (networks, by kind) of the membership matrix."""

    land = django_filters.ModelMultipleChoiceFilter(
        label="Bundesland",
        field_name="state__slug",
        to_field_name="slug",
        queryset=State.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    art = django_filters.MultipleChoiceFilter(
        label="Art des Netzwerks",
        choices=NetworkKind.choices,
        method="filter_kind",
        widget=forms.CheckboxSelectMultiple,
    )

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
