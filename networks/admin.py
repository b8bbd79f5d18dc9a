"""Admin for networks, their members, seats and campaigns, and the Länderpartnerschaften."""

import datetime

from django.contrib import admin
from django.db.models import Count, F, Prefetch
from django.utils import timezone

from cities.admin import CityAdmin, GermanSlugForm
from cities.models import City
from core.admin import DirectoryAdmin, EntryCitationInline, ScopedTabularInline
from core.subqueries import row_count
from networks.models import (
    Campaign,
    Membership,
    Network,
    PartnershipCommitment,
    Seat,
    SeatTerm,
    StatedCount,
    StatePartnership,
    SubGroup,
)


def current_term(seat, today: datetime.date | None = None):
    """The term running today, from the seat's (prefetched) terms, newest election first."""
    today = today or timezone.localdate()
    for term in seat.terms.all():
        started = term.elected_on is None or term.elected_on <= today
        running = term.term_ends_on is None or term.term_ends_on >= today
        if started and running:
            return term
    return None


def terms_with_people():
    terms = SeatTerm.objects.select_related("person").order_by(F("elected_on").desc(nulls_last=True))
    return Prefetch("terms", queryset=terms)


class NetworkForm(GermanSlugForm):
    slug_source_field = "name"


class CampaignForm(GermanSlugForm):
    slug_source_field = "name"


class StatedCountInline(ScopedTabularInline):
    model = StatedCount
    extra = 0
    fields = ["count", "as_of", "as_of_precision", "note"]
    verbose_name_plural = "Angegebene Zahlen der Mitgliedsstädte (die jüngste erscheint auf den Seiten; Quellen im Bereich „Angegebene Zahlen“)"


class SubGroupInline(ScopedTabularInline):
    model = SubGroup
    extra = 0
    fields = ["name", "declared_member_count", "description"]


class NetworkMembershipInline(ScopedTabularInline):
    model = Membership
    fk_name = "network"
    extra = 0
    fields = ["city", "role", "since", "since_precision", "until", "subgroup", "note"]
    autocomplete_fields = ["city", "subgroup"]
    verbose_name = "Mitgliedsstadt"
    verbose_name_plural = "Mitgliedsstädte"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city", "subgroup__network")


class SeatInline(ScopedTabularInline):
    model = Seat
    extra = 0
    fields = ["title", "sector", "current_holder"]
    readonly_fields = ["current_holder"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(terms_with_people())

    @admin.display(description="Derzeit besetzt mit")
    def current_holder(self, obj):
        if obj.pk is None:
            return "Amtszeiten nach dem Speichern über „Ändern“ eintragen."
        term = current_term(obj)
        return term.person.display_name if term else None


class CampaignInline(ScopedTabularInline):
    model = Campaign
    form = CampaignForm
    extra = 0
    fields = ["name", "slug", "started_on", "started_precision", "ended_on", "ended_precision"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


@admin.register(Network)
class NetworkAdmin(DirectoryAdmin):
    form = NetworkForm
    list_display = ["name", "kind", "status", "states_display", "member_count_display", "started_display", "host"]
    list_filter = ["kind", "status", "states"]
    search_fields = ["name", "short_name", "slug", "host__name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["states", "parent", "host", "partners"]
    readonly_fields = ["declared_member_count"]
    inlines = [
        StatedCountInline,
        SubGroupInline,
        NetworkMembershipInline,
        SeatInline,
        CampaignInline,
        EntryCitationInline,
    ]
    fieldsets = [
        ("Stammdaten", {"fields": ["name", "short_name", "slug", "kind", "status", "parent"]}),
        ("Bundesländer und Träger", {"fields": ["states", "host", "partners"]}),
        ("Zeitraum", {"fields": [("started_on", "started_precision"), ("ended_on", "ended_precision")]}),
        ("Beschreibung", {"fields": ["description", "website", "declared_member_count"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_member_count()
            .select_related("host", "parent")
            .prefetch_related("states")
        )

    @admin.display(description="Bundesländer")
    def states_display(self, obj):
        return ", ".join(state.name for state in obj.states.all()) or None

    @admin.display(description="Mitgliedsstädte", ordering="member_count")
    def member_count_display(self, obj):
        if obj.declared_member_count and obj.declared_member_count != obj.member_count:
            return f"{obj.member_count} (angegeben: {obj.declared_member_count})"
        return obj.member_count

    @admin.display(description="Beginn", ordering="started_on")
    def started_display(self, obj):
        return obj.started_display or None


@admin.register(SubGroup)
class SubGroupAdmin(DirectoryAdmin):
    list_display = ["name", "network", "declared_member_count", "member_count"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["network"]
    search_fields = ["name", "network__name", "network__short_name"]
    ordering = ["network__name", "name"]
    autocomplete_fields = ["network"]
    fields = ["network", "name", "declared_member_count", "description"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(current_members=row_count(Membership.objects.current(), "subgroup"))
        )

    @admin.display(description="Städte im Verzeichnis", ordering="current_members")
    def member_count(self, obj):
        return obj.current_members

    def view_on_site(self, obj):
        return obj.network.get_absolute_url()


class CurrentMembershipFilter(admin.SimpleListFilter):
    title = "Stand"
    parameter_name = "stand"

    def lookups(self, request, model_admin):
        return [("aktuell", "aktuelle Mitgliedschaften"), ("beendet", "beendete Mitgliedschaften")]

    def queryset(self, request, queryset):
        if self.value() == "aktuell":
            return queryset.current()
        if self.value() == "beendet":
            return queryset.filter(until__isnull=False)
        return queryset


@admin.register(Membership)
class MembershipAdmin(DirectoryAdmin):
    list_display = ["city", "network", "role", "since_display", "until", "subgroup", "is_current"]
    list_filter = [CurrentMembershipFilter, "role", "network__kind", "city__state"]
    list_select_related = ["city", "network", "subgroup__network"]
    search_fields = ["city__name", "city__prefix", "network__name", "network__short_name", "note"]
    ordering = ["network__name", "city__name"]
    autocomplete_fields = ["city", "network", "subgroup"]
    fieldsets = [
        ("Mitgliedschaft", {"fields": ["city", "network", "role", "subgroup"]}),
        ("Zeitraum", {"fields": [("since", "since_precision"), "until", "note"]}),
    ]

    @admin.display(description="Mitglied seit", ordering="since")
    def since_display(self, obj):
        return obj.since_display or None

    @admin.display(description="Aktuell", boolean=True, ordering="until")
    def is_current(self, obj):
        return obj.is_current

    def view_on_site(self, obj):
        return obj.network.get_absolute_url()


class SeatTermInline(ScopedTabularInline):
    model = SeatTerm
    extra = 0
    fields = ["person", "elected_on", "elected_precision", "term_ends_on", "note"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Seat)
class SeatAdmin(DirectoryAdmin):
    list_display = ["title", "network", "sector", "current_holder", "elected_display"]
    list_filter = ["sector", "network__kind"]
    list_select_related = ["network"]
    search_fields = ["title", "network__name", "network__short_name", "terms__person__name"]
    ordering = ["network__name", "title"]
    autocomplete_fields = ["network"]
    fields = ["network", "title", "sector"]
    inlines = [SeatTermInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(terms_with_people())

    @admin.display(description="Derzeit besetzt mit")
    def current_holder(self, obj):
        term = current_term(obj)
        return term.person.display_name if term else None

    @admin.display(description="Gewählt")
    def elected_display(self, obj):
        term = current_term(obj)
        return (term.elected_display or None) if term else None

    def view_on_site(self, obj):
        return obj.network.get_absolute_url()


@admin.register(Campaign)
class CampaignAdmin(DirectoryAdmin):
    form = CampaignForm
    list_display = ["name", "network", "period_display", "city_count"]
    list_filter = ["network__kind", ("network", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["network"]
    search_fields = ["name", "slug", "network__name", "network__short_name"]
    ordering = ["network__name", "name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["network", "cities"]
    fieldsets = [
        ("Kampagne oder Projekt", {"fields": ["network", "name", "slug", "description"]}),
        ("Zeitraum", {"fields": [("started_on", "started_precision"), ("ended_on", "ended_precision")]}),
        ("Beteiligte Städte", {"fields": ["cities"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(city_total=Count("cities", distinct=True))

    @admin.display(description="Zeitraum", ordering="started_on")
    def period_display(self, obj):
        return obj.period_display or None

    @admin.display(description="Beteiligte Städte", ordering="city_total")
    def city_count(self, obj):
        return obj.city_total

    def view_on_site(self, obj):
        return obj.network.get_absolute_url()


class PartnershipCommitmentInline(ScopedTabularInline):
    model = PartnershipCommitment
    extra = 0
    fields = ["side", "text", "position"]


@admin.register(StatePartnership)
class StatePartnershipAdmin(DirectoryAdmin):
    list_display = ["ordinal", "state", "signed_display", "place", "commitment_count"]
    list_display_links = ["ordinal", "state"]
    list_select_related = ["state"]
    search_fields = ["state__name", "place", "description"]
    ordering = ["ordinal"]
    autocomplete_fields = ["state", "signatories", "partner_organizations"]
    inlines = [PartnershipCommitmentInline, EntryCitationInline]
    fieldsets = [
        ("Partnerschaft", {"fields": ["state", "ordinal", "description"]}),
        ("Unterzeichnung", {"fields": [("signed_on", "signed_precision"), "place", "signatories"]}),
        ("Beteiligte", {"fields": ["partner_organizations"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commitment_total=Count("commitments", distinct=True))

    @admin.display(description="Unterzeichnet", ordering="signed_on")
    def signed_display(self, obj):
        return obj.signed_display or None

    @admin.display(description="Zusagen", ordering="commitment_total")
    def commitment_count(self, obj):
        return obj.commitment_total

    def view_on_site(self, obj):
        return obj.state.get_absolute_url()


# --- a town's admin page, with its memberships -----------------------------------------------------


class CityMembershipInline(ScopedTabularInline):
    model = Membership
    fk_name = "city"
    extra = 0
    fields = ["network", "role", "since", "since_precision", "until", "subgroup", "note"]
    autocomplete_fields = ["network", "subgroup"]
    verbose_name = "Mitgliedschaft in einem Netzwerk"
    verbose_name_plural = "Mitgliedschaften in Netzwerken"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("network", "subgroup__network")


class CityWithMembershipsAdmin(CityAdmin):
    """cities' admin of a town, plus the town's memberships in networks (kept by this app)."""

    inlines = [*CityAdmin.inlines, CityMembershipInline]


admin.site.unregister(City)
admin.site.register(City, CityWithMembershipsAdmin)


@admin.register(StatedCount)
class StatedCountAdmin(DirectoryAdmin):
    """The counts the sources state, each with its sources (the network's page shows the newest)."""

    list_display = ["network", "count", "as_of_display", "note"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["network__name", "note"]
    autocomplete_fields = ["network"]
    inlines = [EntryCitationInline]

    @admin.display(description="Stand", ordering="as_of")
    def as_of_display(self, obj):
        return obj.as_of_display
