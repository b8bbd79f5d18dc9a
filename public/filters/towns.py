"""Filters of the town directory and the state list.

Parameter names are German because they appear in the visitor's address bar
("/staedte/?land=sachsen-anhalt&netzwerk=regionalnetzwerk-anhalt").
"""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F

from cities.models import LAST_YEAR, PROGRAMME_START_YEAR, City, CoordinationModel, SizeClass, State
from events.models import Meeting
from networks.models import Network, NetworkKind

MAX_QUERY_LENGTH = 100


class YearInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "min": PROGRAMME_START_YEAR, "max": LAST_YEAR, **(attrs or {})})


class YearField(forms.IntegerField):
    """A year in the programme's lifetime, with German messages for bad input."""

    default_error_messages = {"invalid": "Bitte eine Jahreszahl wie 2021 eingeben."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YearInput)
        super().__init__(*args, **kwargs)
        self.validators.append(MinValueValidator(PROGRAMME_START_YEAR, f"Das Programm begann {PROGRAMME_START_YEAR}."))
        self.validators.append(MaxValueValidator(LAST_YEAR, f"Bitte ein Jahr bis {LAST_YEAR} eingeben."))


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


def state_filter(field_name: str | None = None, *, method: str | None = None, distinct: bool = False):
    """Several states, chosen by their slugs ("?land=sachsen-anhalt&land=bayern")."""
    return django_filters.ModelMultipleChoiceFilter(
        label="Bundesland",
        field_name=field_name,
        method=method,
        to_field_name="slug",
        queryset=State.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=distinct,
    )


def choice_filter(label: str, choices, **kwargs):
    """Several values of a fixed list, as checkboxes."""
    return django_filters.MultipleChoiceFilter(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class DefaultOnceSelect(forms.Select):
    """A select that offers the default once: its empty choice; the same order spelt out
    ("?sortierung=name", from older links and the API) is accepted but not listed twice."""

    same_as_default = ("name",)

    def optgroups(self, name, value, attrs=None):
        return [
            (group, [option for option in options if option["value"] not in self.same_as_default], index)
            for group, options, index in super().optgroups(name, value, attrs)
        ]


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts towns without a value (no joining year, no population) last, whichever the direction."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            name = field.lstrip("-")
            ordering.append(F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True))
        return qs.order_by(*ordering, "name")


FORMER = "ehemalig"
ANY_MEMBERSHIP = "alle"


class CityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Suche",
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Stadt oder Träger", "autocomplete": "off"}),
    )
    land = state_filter("state__slug")
    netzwerk = django_filters.ModelMultipleChoiceFilter(
        label="Netzwerk",
        method="filter_networks",
        to_field_name="slug",
        queryset=Network.objects.in_kind_order(),
        widget=forms.CheckboxSelectMultiple,
    )
    art = choice_filter("Art des Netzwerks", NetworkKind.choices, method="filter_network_kinds")
    # Not a choice in the form: meeting pages link here ("?treffen=<slug>") for all the towns of a
    # meeting; the form carries it on hidden. The meeting model is looked up lazily (events depends on cities).
    treffen = django_filters.ModelMultipleChoiceFilter(
        label="Treffen",
        method="filter_meetings",
        to_field_name="slug",
        queryset=lambda request: Meeting.objects.all(),
        widget=forms.MultipleHiddenInput,
    )
    seit_von = YearFilter(label="Dabei seit (von)", field_name="joined_year", lookup_expr="gte")
    seit_bis = YearFilter(label="Dabei seit (bis)", field_name="joined_year", lookup_expr="lte")
    # Choices as short as a select box of the filter column shows whole.
    groesse = django_filters.ChoiceFilter(
        label="Einwohner",
        method="filter_size",
        choices=[(size.value, size.label.removesuffix(" Einwohner").replace(" bis ", "–")) for size in SizeClass],
        empty_label="alle Größen",
    )
    koordination = django_filters.ChoiceFilter(
        label="Koordinierung",
        field_name="coordination_model",
        choices=[(CoordinationModel.MUNICIPALITY, "Kommune selbst"), (CoordinationModel.PROVIDER, "Freier Träger")],
        empty_label="alle Modelle",
    )
    # Without a choice the list shows today's members; towns that left stay findable here.
    mitgliedschaft = django_filters.ChoiceFilter(
        label="Mitgliedschaft",
        method="filter_membership",
        choices=[(FORMER, "ehemalige Mitglieder"), (ANY_MEMBERSHIP, "heutige und ehemalige")],
        empty_label="heutige Mitglieder",
    )
    laenderpartner = django_filters.BooleanFilter(
        label="Nur Länder mit Länderpartnerschaft",
        method="filter_partner_state",
        widget=forms.CheckboxInput,
    )
    # Without a choice the towns are listed by name from A to Z; "name" says the same and stays valid.
    sortierung = NullsLastOrderingFilter(
        label="Sortierung",
        fields=(("name", "name"), ("joined_year", "beitritt"), ("population", "einwohner")),
        widget=DefaultOnceSelect,
        choices=[
            ("name", "Name (A–Z)"),
            ("-name", "Name (Z–A)"),
            ("beitritt", "Beitritt (früheste zuerst)"),
            ("-beitritt", "Beitritt (jüngste zuerst)"),
            ("einwohner", "Größe (kleinste zuerst)"),
            ("-einwohner", "Größe (größte zuerst)"),
        ],
        empty_label="Name (A–Z)",
    )

    class Meta:
        model = City
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_networks(self, queryset, name, value):
        return queryset.in_networks(value) if value else queryset

    def filter_meetings(self, queryset, name, value):
        """Towns that take part in or host any of the meetings."""
        if not value:
            return queryset
        return queryset.filter(pk__in=Meeting.objects.filter(pk__in=[meeting.pk for meeting in value]).named_town_ids())

    def filter_network_kinds(self, queryset, name, value):
        return queryset.in_network_kinds(value) if value else queryset

    def filter_size(self, queryset, name, value):
        return queryset.of_size(value) if value else queryset

    def filter_partner_state(self, queryset, name, value):
        if value:
            return queryset.filter(state__partnership__isnull=False)
        return queryset

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if not self.is_bound:  # an address without parameters lists today's members (see filter_queryset)
            self.queryset = self.queryset.active()

    def filter_membership(self, queryset, name, value):
        return queryset.filter(active=False) if value == FORMER else queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("mitgliedschaft"):
            queryset = queryset.active()
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sortierung"):
            queryset = queryset.order_by("name")
        return queryset
