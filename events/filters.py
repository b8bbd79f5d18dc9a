import django_filters
from django import forms
from django.db.models import Q

from cities.filters import YearFilter, state_filter
from events.models import Meeting, MeetingFormat, MeetingKind
from networks.models import Network


class MeetingFilterSet(django_filters.FilterSet):
    netzwerk = django_filters.ModelMultipleChoiceFilter(
        label="Netzwerk",
        field_name="networks__slug",
        to_field_name="slug",
        queryset=Network.objects.in_kind_order(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    land = state_filter(method="filter_states")
    format = django_filters.ChoiceFilter(label="Format", choices=MeetingFormat.choices, empty_label="alle Formate")
    art = django_filters.ChoiceFilter(label="Art", field_name="kind", choices=MeetingKind.choices, empty_label="alle Arten")
    jahr = YearFilter(label="Jahr", field_name="starts_on", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = []

    def filter_states(self, queryset, name, value):
        """A meeting belongs to a state if it took place there or one of its networks spans it."""
        if not value:
            return queryset
        return queryset.filter(Q(place_city__state__in=value) | Q(networks__states__in=value)).distinct()
