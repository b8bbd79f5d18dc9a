"""CSV import of towns and people for the programme office (django-import-export).

The columns carry the German headings the office uses in its spreadsheets (see the
README and docs/import-staedte-beispiel.csv). Files may be separated by „;“ (German
Excel) or „,“, encoded in UTF-8 with or without BOM, or in Windows-1252.

Every row is checked like a form in the admin (`full_clean`: validators, unique fields,
constraints); errors name the column, in German. The import writes nothing unless every
row is valid: the preview shows the errors instead of the confirm button, and the
confirm step rolls the whole file back if a row has become invalid meanwhile.

Towns are matched by Gemeindeschlüssel when given, else by Kürzel (or the Kürzel made
from the name); people by name and Funktion. Matching rows are updated, others created.
"""

from __future__ import annotations

import decimal

import tablib
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from cities.models import City, CityKind, CoordinationModel, Organization, Person, Sector, State
from core import permissions
from core.text import german_slugify

# --- the file ---------------------------------------------------------------------------------------


class GermanCSV(CSV):
    """CSV as spreadsheets write it in Germany: „;“ or „,“, UTF-8 (with or without BOM) or Windows-1252."""

    def is_binary(self):
        return True  # decoded here, so that a Windows-1252 file does not fail before we see it

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                text = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = in_stream.decode("cp1252")
        else:
            text = in_stream.removeprefix("\ufeff")
        header = text.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return tablib.import_set(text, format="csv", delimiter=delimiter)


# --- cells ------------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class ChoiceLabelWidget(widgets.Widget):
    """A choice by its German label („Gemeinde“), or by its stored value; case does not matter."""

    def __init__(self, choices, **kwargs):
        self.choices = dict(choices)
        self.lookup = {str(label).casefold(): value for value, label in self.choices.items()}
        self.lookup.update({str(value).casefold(): value for value in self.choices})
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        try:
            return self.lookup[text.casefold()]
        except KeyError:
            allowed = ", ".join(f"„{label}“" for label in self.choices.values())
            raise ValueError(f"„{text}“ ist keine gültige Angabe. Möglich sind: {allowed}.") from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices.get(value, value or ""))


class YesNoWidget(widgets.Widget):
    YES = {"ja", "j", "x", "1", "wahr", "true", "yes"}
    NO = {"nein", "n", "0", "falsch", "false", "no", ""}

    def clean(self, value, row=None, **kwargs):
        text = _text(value).casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"Bitte „ja“ oder „nein“ angeben, nicht „{_text(value)}“.")

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nein"


class GermanIntegerWidget(widgets.Widget):
    """Whole numbers, also with German digit grouping („12.345“)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(".", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        text = text.removesuffix(",0")  # Excel's „1234,0“
        if not text.isdigit():
            raise ValueError(f"„{_text(value)}“ ist keine ganze Zahl.")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GermanDecimalWidget(widgets.Widget):
    """Decimal numbers with a decimal comma („52,6056“) or point („52.6056“)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(f"„{_text(value)}“ ist keine Zahl.") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value).replace(".", ",")


class AgsWidget(widgets.Widget):
    """The eight-digit Gemeindeschlüssel; a spreadsheet that dropped the leading zero („1003000“) is repaired."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(" ", "")
        if not text:
            return None
        if text.isdigit() and len(text) == 7:
            text = "0" + text
        return text  # the model's validator reports anything but eight digits

    def render(self, value, obj=None, **kwargs):
        return value or ""


class StateWidget(widgets.Widget):
    """A Land by name („Sachsen-Anhalt“) or ISO code („DE-ST“, also „ST“)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        code = text.upper() if text.upper().startswith("DE-") else f"DE-{text.upper()}"
        state = State.objects.filter(Q(code=code) | Q(name__iexact=text) | Q(slug=text.lower())).first()
        if state is None:
            raise ValueError(
                f"Unbekanntes Bundesland „{text}“. Bitte den Namen (z. B. „Sachsen-Anhalt“) "
                "oder den Code (z. B. „DE-ST“) angeben."
            )
        return state

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class OrganizationWidget(widgets.Widget):
    """An existing organisation by its name or short name."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        found = list(Organization.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text))[:2])
        if len(found) != 1:
            problem = "gibt es nicht im Verzeichnis" if not found else "ist nicht eindeutig"
            raise ValueError(f"Die Organisation „{text}“ {problem}. Bitte zuerst im Verzeichnis anlegen.")
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class CityWidget(widgets.Widget):
    """An existing town by its Kürzel („stendal“), name („Stendal“) or official name („Hansestadt Stendal“)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        by_slug = City.objects.filter(slug=text.lower()).first()
        if by_slug is not None:
            return by_slug
        candidates = City.objects.filter(Q(name__iexact=text) | Q(name__iendswith=text.split()[-1]))
        found = [
            city for city in candidates if text.casefold() in {city.name.casefold(), city.official_name.casefold()}
        ]
        if len(found) != 1:
            problem = "gibt es nicht im Verzeichnis" if not found else "ist nicht eindeutig (bitte das Kürzel angeben)"
            raise ValueError(f"Die Stadt „{text}“ {problem}.")
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.official_name if value else ""


# --- resources --------------------------------------------------------------------------------------


def _column(attribute, heading, widget=None):
    return fields.Field(attribute=attribute, column_name=heading, widget=widget or widgets.CharWidget())


class DirectoryResource(resources.ModelResource):
    """What both imports share: all-or-nothing, full model validation, German column names in errors."""

    def import_data(self, dataset, *args, **kwargs):
        # Nothing is written unless every row is valid, also in the confirm step.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            headings = {field.attribute: field.column_name for field in self.get_import_fields()}
            by_heading = {}
            for name, errors in error.message_dict.items():
                if name == NON_FIELD_ERRORS or name in headings:
                    by_heading.setdefault(headings.get(name, NON_FIELD_ERRORS), []).extend(errors)
                else:
                    label = instance._meta.get_field(name).verbose_name
                    by_heading.setdefault(NON_FIELD_ERRORS, []).extend(f"{label}: {e}" for e in errors)
            raise ValidationError(by_heading) from error


class CityResource(DirectoryResource):
    name = _column("name", "Name")
    prefix = _column("prefix", "Namenszusatz")
    kind = _column("kind", "Art", ChoiceLabelWidget(CityKind.choices))
    slug = _column("slug", "Kürzel")
    state = _column("state", "Bundesland", StateWidget())
    ags = _column("ags", "Gemeindeschlüssel", AgsWidget())
    population = _column("population", "Einwohnerzahl", GermanIntegerWidget())
    population_year = _column("population_year", "Stand", GermanIntegerWidget())
    latitude = _column("latitude", "Breitengrad", GermanDecimalWidget())
    longitude = _column("longitude", "Längengrad", GermanDecimalWidget())
    joined_year = _column("joined_year", "Im Programm seit", GermanIntegerWidget())
    active = _column("active", "Aktiv", YesNoWidget())
    website = _column("website", "Website")
    description = _column("description", "Kurzbeschreibung")
    coordinating_organization = _column("coordinating_organization", "Koordinierungsstelle", OrganizationWidget())
    coordination_model = _column(
        "coordination_model", "Organisation der Koordinierung", ChoiceLabelWidget(CoordinationModel.choices)
    )
    wikidata_id = _column("wikidata_id", "Wikidata-ID")

    class Meta:
        model = City
        name = "Engagierte Städte (CSV)"
        fields = (
            "name", "prefix", "kind", "slug", "state", "ags", "population", "population_year", "latitude",
            "longitude", "joined_year", "active", "website", "description", "coordinating_organization",
            "coordination_model", "wikidata_id",
        )  # fmt: skip
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True

    def get_instance(self, instance_loader, row):
        ags = AgsWidget().clean(row.get("Gemeindeschlüssel"))
        if ags:
            city = City.objects.filter(ags=ags).first()
            if city is not None:
                return city
        slug = _text(row.get("Kürzel")) or german_slugify(_text(row.get("Name")))
        return City.objects.filter(slug=slug).first() if slug else None

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # A new town without a Kürzel column gets the one the admin would suggest (also when
            # another cell is invalid, so that the row's errors do not include a missing Kürzel).
            if not instance.slug and instance.name:
                instance.slug = german_slugify(instance.name)


class PersonResource(DirectoryResource):
    name = _column("name", "Name")
    title = _column("title", "Titel")
    role = _column("role", "Funktion")
    sector = _column("sector", "Sektor", ChoiceLabelWidget(Sector.choices))
    organization = _column("organization", "Organisation", OrganizationWidget())
    city = _column("city", "Stadt", CityWidget())
    email = _column("email", "E-Mail")
    phone = _column("phone", "Telefon")
    contact_public = _column("contact_public", "Kontakt öffentlich", YesNoWidget())

    class Meta:
        model = Person
        name = "Personen (CSV)"
        fields = ("name", "title", "role", "sector", "organization", "city", "email", "phone", "contact_public")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True

    def get_instance(self, instance_loader, row):
        name = _text(row.get("Name"))
        return Person.objects.filter(name=name, role=_text(row.get("Funktion"))).first() if name else None


# --- admin ------------------------------------------------------------------------------------------


class OfficeImportMixin(ImportMixin):
    """CSV import in the admin, for the programme office only (`core.permissions.may_import`)."""

    import_formats = [GermanCSV]

    def has_import_permission(self, request):
        return permissions.may_import(request.user)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rows turned invalid between preview and confirmation: everything was rolled back.
            messages.error(
                request,
                "Der Import wurde abgebrochen, weil sich inzwischen nicht mehr alle Zeilen einlesen ließen. "
                "Es wurde nichts gespeichert. Bitte laden Sie die Datei erneut hoch, um die Fehler zu sehen.",
            )
            info = self.get_model_info()
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name))
        return super().process_result(result, request)
