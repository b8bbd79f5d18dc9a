import django_filters
from django import forms
from django.db.models import Q

from cities.models import City
from events.models import Meeting, MeetingFormat, MeetingKind
from networks.models import Network
from public.filters.towns import YearFilter, state_filter

# The kinds as the filter offers them: a select box shows its choice on one line of the filter column.
KIND_CHOICES = [(kind.value, "Thementisch" if kind == MeetingKind.THEME_TABLE else kind.label) for kind in MeetingKind]


class MeetingFilterSet(django_filters.FilterSet):
    # Rendered as a picker (templates/networks/network_picker.html), not as this widget.
    netzwerk = django_filters.ModelMultipleChoiceFilter(
        label="Netzwerk",
        method="filter_networks",
        to_field_name="slug",
        queryset=Network.objects.in_kind_order(),
        widget=forms.CheckboxSelectMultiple,
    )
    land = state_filter(method="filter_states")
    # Not in the form as a choice: town pages link here ("?stadt=wittenberg"); the form carries it on hidden.
    stadt = django_filters.ModelMultipleChoiceFilter(
        label="Stadt",
        method="filter_towns",
        to_field_name="slug",
        queryset=City.objects.all(),
        widget=forms.MultipleHiddenInput,
    )
    format = django_filters.ChoiceFilter(label="Format", choices=MeetingFormat.choices, empty_label="alle Formate")
    art = django_filters.ChoiceFilter(label="Art", field_name="kind", choices=KIND_CHOICES, empty_label="alle Arten")
    jahr = YearFilter(label="Jahr", field_name="starts_on", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = []

    # Subqueries rather than joins with DISTINCT, which would make the database sort every matching
    # meeting with all its columns.
    def filter_networks(self, queryset, name, value):
        """Meetings any of the networks organises."""
        if not value:
            return queryset
        return queryset.filter(pk__in=Meeting.networks.through.objects.filter(network__in=value).values("meeting_id"))

    def filter_towns(self, queryset, name, value):
        return queryset.of_towns(value) if value else queryset

    def filter_states(self, queryset, name, value):
        """A meeting belongs to a state if it took place there or one of its networks spans it."""
        if not value:
            return queryset
        spanning = Meeting.networks.through.objects.filter(network__states__in=value).values("meeting_id")
        return queryset.filter(Q(place_city__state__in=value) | Q(pk__in=spanning))
