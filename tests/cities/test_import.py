"""CSV import of towns and people in the admin: office only, preview, German row errors, all or nothing."""

import functools
import operator
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cities.models import City, Person

IMPORT = reverse("admin:cities_city_import")
CONFIRM = reverse("admin:cities_city_process_import")
PERSON_IMPORT = reverse("admin:cities_person_import")
PERSON_CONFIRM = reverse("admin:cities_person_process_import")

HEADER = "Name;Namenszusatz;Art;Bundesland;Gemeindeschlüssel;Einwohnerzahl;Stand;Breitengrad;Längengrad;Im Programm seit;Website"
TOWNS = "\r\n".join(
    [
        HEADER,
        "Wörlitz;;Gemeinde;DE-ST;15091375;1.520;2023;51,8420;12,4180;2024;https://woerlitz.example",
        "Bad Düben;;Stadt;Sachsen;14730020;7.800;2022;51,5930;12,5850;2023;",
        # An update of the demo town Stendal: a new population figure.
        "Stendal;Hansestadt;Stadt;Sachsen-Anhalt;;40.012;2024;52,606;11,8586;2015;https://www.stendal.de",
    ]
)


def csv_file(text: str, name="staedte.csv", bom=True, encoding="utf-8"):
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client, text, url=IMPORT, **kwargs):
    return client.post(url, {"format": "0", "import_file": csv_file(text, **kwargs)})


def confirm(client, preview, url=CONFIRM):
    form = preview.context["confirm_form"]
    return client.post(url, {name: form.initial[name] for name in form.initial} | {"format": "0"})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def office(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    return demo_users["programmbuero"]


def test_office_imports_new_towns_and_updates_one_with_preview_and_history(client, office):
    stendal = City.objects.get(slug="stendal")
    version = stendal.version
    count = City.objects.count()

    preview = upload(client, TOWNS)
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    page = text_of(preview)
    assert "Wörlitz" in page and "Bad Düben" in page and "Stendal" in page
    assert "Import bestätigen" in page  # the preview is German
    assert City.objects.count() == count  # the preview writes nothing

    response = confirm(client, preview)
    assert response.status_code == 302
    assert City.objects.count() == count + 2
    woerlitz = City.objects.get(slug="woerlitz")
    assert (woerlitz.kind, woerlitz.state.code, woerlitz.ags, woerlitz.population) == (
        "municipality",
        "DE-ST",
        "15091375",
        1520,
    )
    assert str(woerlitz.latitude) == "51.84200" and woerlitz.joined_year == 2024
    assert City.objects.get(slug="bad-dueben").state.name == "Sachsen"
    stendal.refresh_from_db()
    assert stendal.population == 40012 and stendal.population_year == 2024
    assert stendal.version == version + 1  # optimistic locking: saved over the current version
    assert woerlitz.history.get().history_user == office
    assert stendal.history.latest().history_user == office


def test_comma_separated_file_without_bom(client, office):
    text = "Name,Bundesland,Art\nWörlitz,DE-ST,Gemeinde\n"
    preview = upload(client, text, bom=False)
    confirm(client, preview)
    assert City.objects.get(slug="woerlitz").kind == "municipality"


def test_windows_1252_file(client, office):
    preview = upload(client, "Name;Bundesland\nWörlitz;Sachsen-Anhalt\n", bom=False, encoding="cp1252")
    confirm(client, preview)
    assert City.objects.filter(name="Wörlitz").exists()


def test_one_bad_row_among_good_rows_writes_nothing_and_names_row_and_column(client, office):
    count = City.objects.count()
    text = "\r\n".join(
        [
            HEADER,
            "Wörlitz;;Gemeinde;DE-ST;15091375;1.520;2023;51,8420;12,4180;2024;",
            "Irgendwo;;Dorf;Preußen;123;viele;;;;2010;keine-adresse",
            "Bad Düben;;Stadt;Sachsen;14730020;7.800;2022;51,5930;12,5850;2023;",
        ]
    )
    preview = upload(client, text)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    result = preview.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    errors = result.invalid_rows[0].field_specific_errors
    assert "Unbekanntes Bundesland „Preußen“" in " ".join(errors["Bundesland"])
    assert "„Dorf“ ist keine gültige Angabe" in " ".join(errors["Art"])
    assert "„viele“ ist keine ganze Zahl." in errors["Einwohnerzahl"]
    assert City.objects.count() == count
    page = text_of(preview)
    assert "Bundesland" in page and "Unbekanntes Bundesland „Preußen“" in page
    assert "Kürzel" not in errors  # made from the name, as in the admin
    # The office is addressed formally, also in the import's own wording.
    assert "Bitte korrigieren Sie diese Fehler in Ihrer Datei" in page
    assert "korrigiere " not in page and " deiner " not in page

    # Confirming the bad file anyway (a forged POST with its stored name) writes nothing either.
    stored = preview.context["form"].cleaned_data["import_file"].tmp_storage_name
    forged = {"import_file_name": stored, "original_file_name": "staedte.csv", "format": "0"}
    response = client.post(CONFIRM, forged, follow=True)
    assert "Es wurde nichts gespeichert." in text_of(response)
    assert City.objects.count() == count
    assert not City.objects.filter(name__in=["Wörlitz", "Bad Düben"]).exists()


def test_model_validation_errors_are_reported_per_row(client, office):
    text = "\r\n".join(
        [
            "Name;Bundesland;Gemeindeschlüssel;Einwohnerzahl;Stand;Im Programm seit;Breitengrad",
            "Eins;DE-ST;1509137X;;;;",
            "Zwei;DE-ST;;;2020;2010;51,5",
        ]
    )
    preview = upload(client, text)
    result = preview.context["result"]
    first, second = result.invalid_rows
    assert "Der Gemeindeschlüssel hat genau acht Ziffern." in first.field_specific_errors["Gemeindeschlüssel"]
    messages = " ".join(functools.reduce(operator.iadd, second.error_dict.values(), []))
    assert "Einwohnerzahl" in messages or "Einwohnerzahl" in second.field_specific_errors
    assert "Im Programm seit" in second.field_specific_errors
    assert not City.objects.filter(name__in=["Eins", "Zwei"]).exists()


def test_an_ags_of_another_town_updates_that_town(client, office):
    City.objects.filter(slug="stendal").update(ags="15090535")
    preview = upload(client, "Name;Bundesland;Gemeindeschlüssel;Einwohnerzahl\nStendal;DE-ST;15090535;41.000\n")
    confirm(client, preview)
    assert City.objects.get(slug="stendal").population == 41000


def test_excel_dropped_leading_zero_of_the_ags_is_restored(client, office):
    preview = upload(client, "Name;Bundesland;Gemeindeschlüssel\nFlensburg;Schleswig-Holstein;1001000\n")
    confirm(client, preview)
    assert City.objects.get(slug="flensburg").ags == "01001000"


def test_a_duplicate_slug_in_the_file_updates_instead_of_duplicating(client, office):
    count = City.objects.count()
    preview = upload(client, "Name;Bundesland;Einwohnerzahl\nWörlitz;DE-ST;1000\nWörlitz;DE-ST;2000\n")
    confirm(client, preview)
    assert City.objects.count() == count + 1
    assert City.objects.get(slug="woerlitz").population == 2000


@pytest.mark.parametrize("username", ["koordination-stendal", "sprecherin-sachsen-anhalt", "redaktion-anhalt"])
def test_other_roles_cannot_reach_the_import(client, demo_users, username):
    client.force_login(demo_users[username])
    count = City.objects.count()
    assert client.get(IMPORT).status_code == 403
    assert upload(client, TOWNS).status_code == 403
    forged = {"import_file_name": "x", "original_file_name": "staedte.csv", "format": "0"}
    assert client.post(CONFIRM, forged).status_code == 403
    assert client.get(PERSON_IMPORT).status_code == 403
    assert City.objects.count() == count


def test_the_import_button_shows_for_the_office_only(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    assert IMPORT in client.get(reverse("admin:cities_city_changelist")).content.decode()
    client.force_login(demo_users["koordination-stendal"])
    assert IMPORT not in client.get(reverse("admin:cities_city_changelist")).content.decode()


def test_anonymous_is_sent_to_the_login(client, demo):
    count = City.objects.count()
    response = upload(client, TOWNS)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(IMPORT).status_code == 302
    assert City.objects.count() == count


PEOPLE = "\r\n".join(
    [
        "Name;Titel;Funktion;Sektor;Organisation;Stadt;E-Mail;Telefon;Kontakt öffentlich",
        "Erika Beispiel;Dr.;Koordinatorin;Zivilgesellschaft;Freiwilligen-Agentur Altmark e.V.;Stendal;erika@example.org;03931 123;ja",
        "Max Muster;;Bürgermeister;Verwaltung;;stendal;;;nein",
    ]
)


def test_people_import_looks_up_organisation_and_town(client, office):
    preview = upload(client, PEOPLE, url=PERSON_IMPORT, name="personen.csv")
    assert preview.context["confirm_form"] is not None, text_of(preview)
    confirm(client, preview, url=PERSON_CONFIRM)
    erika = Person.objects.get(name="Erika Beispiel", role="Koordinatorin")
    assert erika.organization.name == "Freiwilligen-Agentur Altmark e.V."
    assert erika.city.slug == "stendal" and erika.sector == "civil_society"
    assert erika.contact_public and erika.title == "Dr." and erika.phone == "03931 123"
    max_ = Person.objects.get(name="Max Muster")
    assert max_.city.slug == "stendal" and not max_.contact_public and max_.organization is None
    assert erika.history.get().history_user == office

    # The same file again updates (by name and Funktion) instead of duplicating.
    count = Person.objects.count()
    changed = PEOPLE.replace("03931 123", "03931 999")
    confirm(client, upload(client, changed, url=PERSON_IMPORT), url=PERSON_CONFIRM)
    assert Person.objects.count() == count
    assert Person.objects.get(name="Erika Beispiel").phone == "03931 999"


def test_people_import_reports_unknown_organisation_and_town(client, office):
    count = Person.objects.count()
    text = "Name;Organisation;Stadt;Kontakt öffentlich\nA;Gibt es nicht e.V.;Atlantis;vielleicht\nB;;;nein\n"
    preview = upload(client, text, url=PERSON_IMPORT)
    row = preview.context["result"].invalid_rows[0]
    assert (
        "Die Organisation „Gibt es nicht e.V.“ gibt es nicht im Verzeichnis"
        in row.field_specific_errors["Organisation"][0]
    )
    assert "Die Stadt „Atlantis“ gibt es nicht im Verzeichnis." in row.field_specific_errors["Stadt"]
    assert "Bitte „ja“ oder „nein“ angeben" in row.field_specific_errors["Kontakt öffentlich"][0]
    assert Person.objects.count() == count


@pytest.mark.parametrize(
    ("url", "name"),
    [(IMPORT, "import-staedte-beispiel.csv"), (PERSON_IMPORT, "import-personen-beispiel.csv")],
)
def test_the_example_files_in_docs_import_cleanly(client, office, url, name):
    from django.conf import settings

    data = (settings.BASE_DIR / "docs" / name).read_bytes()
    preview = client.post(url, {"format": "0", "import_file": SimpleUploadedFile(name, data, content_type="text/csv")})
    assert preview.context["confirm_form"] is not None, text_of(preview)


def test_a_file_without_usable_rows_gets_a_formal_german_message(client, office):
    response = upload(client, "Spalte;Andere Spalte\r\n")

    assert response.status_code == 200
    page = text_of(response)
    assert "Die Datei enthält keine Daten, die sich importieren lassen." in page
    assert " deine " not in page and "Stelle sicher" not in page
