"""Admin for the Länder, the member towns and the local actors."""

import re
import unicodedata

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html

from cities.models import City, Organization, Person, State
from cities.resources import CityResource, OfficeImportMixin, PersonResource
from core.admin import DirectoryAdmin, EntryCitationInline
from core.text import german_slugify


def browser_slug(value: str, max_length: int | None = None) -> str:
    """The slug the admin's prepopulate script (URLify) makes of `value`.

    URLify spells "ü" as "u", while the site spells it "ue" (german_slugify);
    `GermanSlugForm` uses this to recognise an untouched suggestion.
    """
    text = str(value).replace("ß", "ss").replace("ẞ", "SS")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^-\w\s]", "", text).strip()
    text = re.sub(r"[-\s]+", "-", text)
    if max_length:
        text = text[:max_length]
    return text.rstrip("-")


class GermanSlugForm(forms.ModelForm):
    """Replaces the browser's slug suggestion by the German spelling.

    The prepopulated slug field is filled by Django's URLify, which turns
    "Thüringen" into "thuringen"; the site's slugs read "thueringen". If the
    editor left the suggestion as it was, the German spelling is used instead.
    A slug typed by hand, or an existing slug that was not touched, is kept.
    """

    slug_source_field = "name"

    def clean(self):
        cleaned_data = super().clean()
        source = cleaned_data.get(self.slug_source_field)
        slug = cleaned_data.get("slug")
        if not source or not slug:
            return cleaned_data
        if not (self.instance._state.adding or "slug" in self.changed_data):
            return cleaned_data
        max_length = self._meta.model._meta.get_field("slug").max_length
        german = german_slugify(source)[:max_length].rstrip("-")
        if german and slug != german and slug == browser_slug(source, max_length):
            cleaned_data["slug"] = german
        return cleaned_data


def number(value):
    """A number with German digit grouping, or None for the empty-value dash."""
    if value is None:
        return None
    return formats.number_format(value, force_grouping=True)


@admin.register(State)
class StateAdmin(DirectoryAdmin):
    """The 16 Länder come from a data migration; here they can only be looked at."""

    list_display = ["name", "code", "city_count", "active_city_count"]
    search_fields = ["name", "code", "slug"]
    ordering = ["name"]
    fields = ["name", "code", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                city_total=Count("cities", distinct=True),
                city_active=Count("cities", filter=Q(cities__active=True), distinct=True),
            )
        )

    @admin.display(description="Engagierte Städte", ordering="city_total")
    def city_count(self, obj):
        url = reverse("admin:cities_city_changelist")
        return format_html('<a href="{}?state__id__exact={}">{}</a>', url, obj.pk, obj.city_total)

    @admin.display(description="davon aktiv", ordering="city_active")
    def active_city_count(self, obj):
        return obj.city_active

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CityForm(GermanSlugForm):
    slug_source_field = "name"


@admin.register(City)
class CityAdmin(OfficeImportMixin, DirectoryAdmin):
    # CSV import for the office (cities/resources.py).
    resource_classes = [CityResource]
    form = CityForm
    list_display = [
        "display_name",
        "kind",
        "state",
        "joined_year",
        "coordination_model",
        "coordinating_organization",
        "population_display",
        "network_count",
        "active",
    ]
    list_filter = ["state", "kind", "active", "coordination_model", "joined_year"]
    list_select_related = ["state", "coordinating_organization"]
    search_fields = ["name", "prefix", "slug", "ags", "coordinating_organization__name"]
    search_help_text = "Sucht in Name, Namenszusatz, Gemeindeschlüssel und Koordinierungsstelle – Umlaute egal."
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["state", "coordinating_organization"]
    # networks/admin.py adds the town's memberships (networks build on towns).
    inlines = [EntryCitationInline]
    list_per_page = 50

    def get_fieldsets(self, request, obj=None):
        interview_title = f"Drei Fragen an {obj.name}" if obj and obj.name else "Drei Fragen an die Stadt"
        return self.with_version_field(
            [
                (
                    "Stammdaten",
                    {"fields": ["name", "prefix", "kind", "slug", "active", "website", "programme_url", "description"]},
                ),
                (
                    "Lage und Größe",
                    {"fields": ["state", "ags", ("population", "population_year"), ("latitude", "longitude")]},
                ),
                (
                    "Programm und Koordinierung",
                    {"fields": ["joined_year", "coordinating_organization", "coordination_model"]},
                ),
                (interview_title, {"fields": ["interview_change", "interview_partners", "interview_2030"]}),
                ("Verweise", {"fields": ["wikidata_id"]}),
            ],
            obj,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_network_count()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # The folded search column finds "Rosslau" for "Roßlau" and "Dusseldorf" for "Düsseldorf".
            results = results | queryset.search(search_term)
        return results, may_have_duplicates

    @admin.display(description="Name", ordering="name")
    def display_name(self, obj):
        return obj.official_name

    @admin.display(description="Einwohner", ordering="population")
    def population_display(self, obj):
        return number(obj.population)

    @admin.display(description="Netzwerke", ordering="current_network_count")
    def network_count(self, obj):
        return obj.current_network_count


@admin.register(Organization)
class OrganizationAdmin(DirectoryAdmin):
    list_display = ["name", "short_name", "kind", "city", "state", "coordinated_count"]
    list_filter = ["kind", "state"]
    list_select_related = ["city", "state"]
    search_fields = ["name", "short_name", "city__name"]
    ordering = ["name"]
    autocomplete_fields = ["city", "state"]
    fieldsets = [
        ("Stammdaten", {"fields": ["name", "short_name", "kind", "website", "description"]}),
        ("Ort", {"fields": ["city", "state"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(coordinated_total=Count("coordinated_cities", distinct=True))

    @admin.display(description="Koordiniert Städte", ordering="coordinated_total")
    def coordinated_count(self, obj):
        return obj.coordinated_total or None


@admin.register(Person)
class PersonAdmin(OfficeImportMixin, DirectoryAdmin):
    # CSV import for the office (cities/resources.py).
    resource_classes = [PersonResource]
    list_display = ["display_name", "role", "sector", "organization", "city", "contact_public"]
    list_filter = ["sector", "contact_public", "city__state"]
    list_select_related = ["organization", "city"]
    search_fields = ["name", "role", "email", "organization__name", "city__name"]
    ordering = ["name"]
    autocomplete_fields = ["organization", "city", "user"]
    fieldsets = [
        ("Person", {"fields": ["title", "name", "role", "sector"]}),
        ("Zugehörigkeit", {"fields": ["organization", "city"]}),
        (
            "Zugang",
            {
                "fields": ["user"],
                "description": "Hat die Person einen Sitz im Sprecherrat eines Netzwerks, pflegt sie mit diesem "
                "Konto dessen Treffen und Berichte unter /redaktion/.",
            },
        ),
        (
            "Kontakt",
            {
                "fields": ["email", "phone", "contact_public"],
                "description": "E-Mail und Telefon erscheinen auf der Website nur mit schriftlicher Einwilligung.",
            },
        ),
    ]

    @admin.display(description="Name", ordering="name")
    def display_name(self, obj):
        return obj.display_name
