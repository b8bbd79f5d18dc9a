"""The German admin: every page renders, lists stay cheap, and the report actions keep the rules."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import City, CityKind, Organization, OrganizationKind, Person, Sector, State
from core.admin import fact_choices
from core.dates import DatePrecision
from core.directory import directory_app_labels
from core.models import Citation
from events.actions import publish_report
from events.models import Meeting, MeetingPhoto, MeetingReport, ReportStatus
from networks.models import (
    Campaign,
    CommitmentSide,
    Membership,
    Network,
    NetworkKind,
    PartnershipCommitment,
    Seat,
    SeatTerm,
    StatedCount,
    StatePartnership,
    SubGroup,
)
from tests.core.test_locking import admin_change_url, open_change_form
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

# A 1×1 transparent GIF, enough for an ImageField.
TINY_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

REGISTERED = {
    City: "city",
    State: "state",
    Organization: "organization",
    Person: "person",
    Network: "network",
    SubGroup: "subgroup",
    Membership: "membership",
    Seat: "seat",
    Campaign: "campaign",
    StatePartnership: "partnership",
    StatedCount: "stated_count",
    Meeting: "meeting",
    MeetingReport: "report",
}


@pytest.fixture
def objects(empty_directory, settings, tmp_path):
    """One object of every model, linked the way the real data is."""
    settings.MEDIA_ROOT = tmp_path
    state = State.objects.get(code="DE-ST")
    organization = Organization.objects.create(
        name="Freiwilligenagentur Altmark", kind=OrganizationKind.VOLUNTEER_AGENCY, state=state
    )
    city = City.objects.create(
        name="Stendal",
        prefix="Hansestadt",
        kind=CityKind.TOWN,
        state=state,
        coordinating_organization=organization,
        joined_year=2015,
        population=39_000,
        population_year=2023,
    )
    person = Person.objects.create(
        name="Erika Beispiel", role="Koordinatorin", sector=Sector.CIVIL_SOCIETY, organization=organization, city=city
    )
    network = Network.objects.create(name="Landesnetzwerk Sachsen-Anhalt", kind=NetworkKind.STATE, host=organization)
    network.states.add(state)
    subgroup = SubGroup.objects.create(network=network, name="Altmark")
    membership = Membership.objects.create(
        city=city, network=network, subgroup=subgroup, since=datetime.date(2020, 1, 1)
    )
    seat = Seat.objects.create(
        network=network, title="Landessprecher*in Zivilgesellschaft", sector=Sector.CIVIL_SOCIETY
    )
    SeatTerm.objects.create(seat=seat, person=person, elected_on=datetime.date(2024, 5, 3))
    stated_count = StatedCount.objects.create(network=network, count=9, as_of=datetime.date(2025, 3, 1))
    campaign = Campaign.objects.create(network=network, name="Glücksbringer")
    campaign.cities.add(city)
    partnership = StatePartnership.objects.create(
        state=state, ordinal=1, signed_on=datetime.date(2023, 9, 12), place="Magdeburg"
    )
    partnership.signatories.add(person)
    PartnershipCommitment.objects.create(partnership=partnership, side=CommitmentSide.STATE, text="Beratung vor Ort")
    meeting = Meeting.objects.create(
        title="Netzwerktreffen Altmark",
        starts_on=datetime.date(2025, 11, 15),
        date_precision=DatePrecision.QUARTER,
        place_city=city,
    )
    meeting.networks.add(network)
    report = MeetingReport.objects.create(meeting=meeting, author=person, body="Wir haben viel besprochen.")
    MeetingPhoto.objects.create(
        report=report,
        image=SimpleUploadedFile("treffen.gif", TINY_GIF, content_type="image/gif"),
        alt_text="Menschen an einem Tisch",
        credit="Foto: Beispiel",
    )
    return {
        "state": state,
        "organization": organization,
        "city": city,
        "person": person,
        "network": network,
        "subgroup": subgroup,
        "membership": membership,
        "seat": seat,
        "campaign": campaign,
        "stated_count": stated_count,
        "partnership": partnership,
        "meeting": meeting,
        "report": report,
    }


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_project_is_registered():
    ours = {model for model in admin.site._registry if model._meta.app_label in directory_app_labels()}
    assert ours == set(REGISTERED)


@pytest.mark.parametrize("model", list(REGISTERED), ids=lambda model: model.__name__)
def test_changelist_renders(admin_client, objects, model):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", [model for model in REGISTERED if model is not State], ids=lambda m: m.__name__)
def test_add_page_renders(admin_client, objects, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", list(REGISTERED), ids=lambda model: model.__name__)
def test_change_page_renders(admin_client, objects, model):
    obj = objects[REGISTERED[model]]
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


def test_states_cannot_be_added_changed_or_deleted(admin_client, objects):
    state = objects["state"]
    assert admin_client.get(admin_url(State, "add")).status_code == 403
    assert admin_client.get(admin_url(State, "delete", state.pk)).status_code == 403
    response = admin_client.post(admin_url(State, "change", state.pk), {"name": "Anderswo"})
    assert response.status_code == 403
    state.refresh_from_db()
    assert state.name == "Sachsen-Anhalt"


def test_pages_are_german(admin_client, objects):
    response = admin_client.get(admin_url(City, "change", objects["city"].pk))
    content = response.content.decode()
    for title in ["Stammdaten", "Lage und Größe", "Programm und Koordinierung", "Drei Fragen an Stendal", "Quellen"]:
        assert title in content
    assert "Mitgliedschaften in Netzwerken" in content
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Engagierte Städte" in index
    assert "Länderpartnerschaften" in index


# Sentences of Django's English admin that must not reach the office (Django 6.1's typographic
# quotes left some without a German translation) and the default names of link-table rows.
ENGLISH = [
    "Are you sure",
    "Deleting the",
    "would require deleting",
    "related objects",
    "Select an option",
    "object (",
    "relationship",
    "Logout",
    "Filter by",
    "Yes, I\u2019m sure",  # Django writes a typographic apostrophe
]


@pytest.mark.parametrize(
    ("model", "question"),
    [
        (Organization, "wirklich löschen"),
        (Network, "wirklich löschen"),
        (City, "wirklich löschen"),
        (Campaign, "wirklich löschen"),
        (Meeting, "wirklich löschen"),
        (Person, "müssten auch die folgenden geschützten Einträge gelöscht werden"),  # a report's author
    ],
)
def test_delete_confirmation_speaks_german_and_names_linked_rows(admin_client, objects, model, question):
    page = admin_client.get(admin_url(model, "delete", objects[REGISTERED[model]].pk)).content.decode()

    assert question in page
    assert [phrase for phrase in ENGLISH if phrase in page] == []


def test_linked_rows_are_named_by_what_they_link(admin_client, objects):
    page = admin_client.get(admin_url(Network, "delete", objects["network"].pk)).content.decode()

    assert "Verknüpfung „Bundesländer“: Landesnetzwerk Sachsen-Anhalt – Sachsen-Anhalt" in page


def test_change_and_list_pages_have_no_english_sentence(admin_client, objects):
    for model in (City, Membership, Network, Meeting):
        key = REGISTERED[model]
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "change", objects[key].pk),
            admin_url(model, "add"),
        ):
            page = admin_client.get(url).content.decode()
            assert [phrase for phrase in ENGLISH if phrase in page] == [], url


def test_the_scripts_of_date_fields_speak_german_too(admin_client):
    """The admin's script catalogue: Django 6.1's time zone note of date fields, which its own
    German catalogue does not know yet (core/locale/de/LC_MESSAGES/djangojs.po)."""
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()

    assert (
        "Hinweis: Zeiten bitte in der Zeitzone %(timezone)s eingeben. (Ihre Uhr geht %(offset)s Stunde nach.)"
        in catalog
    )
    assert "Ihre Uhr geht %(offset)s Stunden vor." in catalog
    assert "Heute" in catalog  # Django's own German catalogue is still read


def test_city_search(admin_client, objects):
    state = objects["state"]
    City.objects.create(name="Dessau-Roßlau", state=state)
    City.objects.create(name="Halle (Saale)", state=state)
    url = admin_url(City, "changelist")

    response = admin_client.get(url, {"q": "Stendal"})
    assert response.status_code == 200
    assert [city.name for city in response.context["cl"].result_list] == ["Stendal"]

    # Spelling-tolerant: "Rosslau" finds "Roßlau".
    response = admin_client.get(url, {"q": "Rosslau"})
    assert [city.name for city in response.context["cl"].result_list] == ["Dessau-Roßlau"]

    # The coordinating body is searched as well.
    response = admin_client.get(url, {"q": "Freiwilligenagentur Altmark"})
    assert [city.name for city in response.context["cl"].result_list] == ["Stendal"]


def test_city_autocomplete_uses_the_admin_search(admin_client, objects):
    City.objects.create(name="Düsseldorf", state=State.objects.get(code="DE-NW"))
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "networks", "model_name": "membership", "field_name": "city", "term": "Duesseldorf"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Düsseldorf"]


def make_cities(state, network, first, last):
    for number in range(first, last):
        organization = Organization.objects.create(name=f"Koordinierung {number}")
        city = City.objects.create(
            name=f"Teststadt {number}",
            state=state,
            coordinating_organization=organization,
            joined_year=2015 + number % 8,
        )
        Membership.objects.create(city=city, network=network)


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.context["cl"].result_list)


def test_city_changelist_query_count_does_not_grow(empty_directory, admin_client):
    state = State.objects.get(code="DE-SN")
    network = Network.objects.create(name="Netzwerk Sachsen", kind=NetworkKind.STATE)
    url = admin_url(City, "changelist")
    make_cities(state, network, 0, 3)
    admin_client.get(url)  # warm up the session and content types
    few, shown = changelist_queries(admin_client, url)
    assert shown == 3
    make_cities(state, network, 3, 30)
    many, shown = changelist_queries(admin_client, url)
    assert shown == 30
    assert many == few


@pytest.mark.parametrize("model", [Network, Meeting, MeetingReport, Membership, Seat], ids=lambda m: m.__name__)
def test_other_changelists_query_count_does_not_grow(admin_client, objects, model):
    url = admin_url(model, "changelist")
    admin_client.get(url)
    few, _ = changelist_queries(admin_client, url)
    # A second network, meeting with report, membership and seat term.
    state = objects["state"]
    city = City.objects.create(name="Salzwedel", state=state)
    network = Network.objects.create(name="Regionalnetzwerk Altmark", kind=NetworkKind.REGIONAL)
    network.states.add(state)
    Membership.objects.create(city=city, network=network)
    seat = Seat.objects.create(network=network, title="Sprecherin")
    SeatTerm.objects.create(seat=seat, person=objects["person"], elected_on=datetime.date(2023, 1, 1))
    meeting = Meeting.objects.create(title="Zweites Treffen", starts_on=datetime.date(2024, 3, 1), place_city=city)
    meeting.networks.add(network, objects["network"])
    MeetingReport.objects.create(meeting=meeting, author=objects["person"], body="Text")
    many, shown = changelist_queries(admin_client, url)
    assert shown == 2
    assert many == few


def test_meeting_changelist_shows_quarter(admin_client, objects):
    response = admin_client.get(admin_url(Meeting, "changelist"))
    content = response.content.decode()
    assert "4. Quartal 2025" in content
    assert "Datum" in content


def test_network_changelist_counts_current_members(admin_client, objects):
    network = objects["network"]
    other = City.objects.create(name="Gardelegen", state=objects["state"])
    Membership.objects.create(city=other, network=network, until=datetime.date(2022, 12, 31))
    response = admin_client.get(admin_url(Network, "changelist"))
    [row] = response.context["cl"].result_list
    assert row.member_count == 1


def test_report_changelist_shows_meeting_status_and_date(admin_client, admin_user, objects):
    publish_report(objects["report"], user=admin_user)
    content = admin_client.get(admin_url(MeetingReport, "changelist")).content.decode()
    assert "Netzwerktreffen Altmark (4. Quartal 2025)" in content
    assert "veröffentlicht" in content


def test_publish_action_skips_reports_without_body(admin_client, objects):
    with_body = objects["report"]
    empty_meeting = Meeting.objects.create(title="Treffen ohne Text", starts_on=datetime.date(2024, 6, 1))
    without_body = MeetingReport.objects.create(meeting=empty_meeting, body="   ")
    response = admin_client.post(
        admin_url(MeetingReport, "changelist"),
        {"action": "publish_reports", ACTION_CHECKBOX_NAME: [with_body.pk, without_body.pk]},
        follow=True,
    )
    assert response.status_code == 200
    with_body.refresh_from_db()
    without_body.refresh_from_db()
    assert with_body.status == ReportStatus.PUBLISHED
    assert with_body.published_at is not None
    assert without_body.status == ReportStatus.DRAFT
    shown = [str(message) for message in response.context["messages"]]
    assert "1 Bericht veröffentlicht." in shown
    assert "Nicht veröffentlicht, weil der Berichtstext fehlt: „Treffen ohne Text“." in shown


def test_withdraw_action(admin_client, admin_user, objects):
    report = objects["report"]
    publish_report(report, user=admin_user)
    response = admin_client.post(
        admin_url(MeetingReport, "changelist"),
        {"action": "withdraw_reports", ACTION_CHECKBOX_NAME: [report.pk]},
        follow=True,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.published_at is None
    assert "1 Bericht zurückgezogen und wieder als Entwurf gespeichert." in [
        str(message) for message in response.context["messages"]
    ]


def test_report_cannot_be_published_without_body_through_the_form(admin_client, objects):
    report = objects["report"]
    response = admin_client.post(
        admin_url(MeetingReport, "change", report.pk),
        {
            "meeting": report.meeting.pk,
            "status": ReportStatus.PUBLISHED,
            "body": "",
            "next_meeting_precision": DatePrecision.DAY,
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Ein Bericht kann nur mit Text veröffentlicht werden." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


# The empty management form of the „Quellen“ inline (core.admin.EntryCitationInline).
CITATIONS_FORMSET = {
    "engagiert-citation-content_type-object_id-TOTAL_FORMS": "0",
    "engagiert-citation-content_type-object_id-INITIAL_FORMS": "0",
}


def city_form_data(state, **overrides):
    data = {
        "name": "Bad Düben",
        "prefix": "",
        "kind": CityKind.TOWN,
        "slug": "bad-duben",  # what the admin's prepopulate script suggests
        "state": state.pk,
        "active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **CITATIONS_FORMSET,
    }
    data.update(overrides)
    return data


def test_city_add_spells_the_suggested_slug_the_german_way(admin_client):
    state = State.objects.get(code="DE-SN")
    response = admin_client.post(admin_url(City, "add"), city_form_data(state))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert City.objects.get(name="Bad Düben").slug == "bad-dueben"


def test_city_add_keeps_a_slug_typed_by_hand(admin_client):
    state = State.objects.get(code="DE-SN")
    response = admin_client.post(admin_url(City, "add"), city_form_data(state, slug="dueben"))
    assert response.status_code == 302
    assert City.objects.get(name="Bad Düben").slug == "dueben"


def test_network_add_with_membership_inline(admin_client, objects):
    city = objects["city"]
    data = {
        "name": "Themennetzwerk Ländlicher Raum",
        "short_name": "",
        "slug": "themennetzwerk-landlicher-raum",
        "kind": NetworkKind.THEMATIC,
        "status": "active",
        "states": [objects["state"].pk],
        "started_precision": DatePrecision.YEAR,
        "ended_precision": DatePrecision.YEAR,
        "subgroups-TOTAL_FORMS": "0",
        "subgroups-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-city": city.pk,
        "memberships-0-role": "founding",
        "memberships-0-since_precision": DatePrecision.YEAR,
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
        "campaigns-TOTAL_FORMS": "0",
        "campaigns-INITIAL_FORMS": "0",
        "stated_counts-TOTAL_FORMS": "0",
        "stated_counts-INITIAL_FORMS": "0",
        **CITATIONS_FORMSET,
    }
    response = admin_client.post(admin_url(Network, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    network = Network.objects.get(name="Themennetzwerk Ländlicher Raum")
    assert network.slug == "themennetzwerk-laendlicher-raum"
    assert list(network.memberships.values_list("city__name", flat=True)) == ["Stendal"]


def test_view_on_site(admin_client, objects):
    city = objects["city"]
    content_type = ContentType.objects.get_for_model(City)
    response = admin_client.get(reverse("admin:view_on_site", args=[content_type.pk, city.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(city.get_absolute_url())
    change_page = admin_client.get(admin_url(Meeting, "change", objects["meeting"].pk)).content.decode()
    assert "Auf der Website anzeigen" in change_page


def test_only_the_office_is_offered_to_delete_a_chosen_organisation_from_a_form(client, demo_users):
    stendal = City.objects.get(slug="stendal")
    url = admin_url(City, "change", stendal.pk)

    client.force_login(demo_users["koordination-stendal"])
    assert "delete-related" not in client.get(url).content.decode()
    client.force_login(demo_users["programmbuero"])
    assert "delete-related" in client.get(url).content.decode()


def test_the_start_page_names_the_login_protection_in_plain_german(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    index = client.get(reverse("admin:index")).content.decode()

    assert "Schutz vor Passwort-Raten" in index
    assert "Zugriffslog" not in index and ">Axes<" not in index


FORGED_KEYS = ["abc", "1.5", "99999999999999999999", "-1"]


@pytest.mark.parametrize("forged", FORGED_KEYS)
def test_a_forged_choice_in_a_coordinators_town_form_is_a_form_error(client, demo_users, forged):
    client.force_login(demo_users["koordination-stendal"])
    stendal = City.objects.get(slug="stendal")
    data = open_change_form(client, stendal)
    data["coordinating_organization"] = [forged]

    response = client.post(admin_change_url(stendal), data)

    assert response.status_code == 200  # the form again, with its message
    assert "gültige Auswahl" in response.content.decode()
    assert City.objects.get(pk=stendal.pk).coordinating_organization_id == stendal.coordinating_organization_id


@pytest.mark.parametrize("forged", FORGED_KEYS)
def test_a_forged_network_in_a_spokespersons_membership_form_is_a_form_error(client, demo_users, forged):
    client.force_login(demo_users["sprecherin-sachsen-anhalt"])
    before = Membership.objects.count()

    response = client.post(
        reverse("admin:networks_membership_add"),
        {"network": forged, "city": str(City.objects.get(slug="stendal").pk), "since": "2020-01-01"},
    )

    assert response.status_code == 200
    assert "gültige Auswahl" in response.content.decode()
    assert Membership.objects.count() == before


# --- sources on an entry's page -------------------------------------------------------------------


def test_the_fact_a_source_backs_is_picked_by_its_german_name(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    town = City.objects.get(slug="stendal")
    root = page(client.get(admin_url(City, "change", town.pk)))
    fact = root.one("select", name="engagiert-citation-content_type-object_id-0-fact")
    options = {option.get("value"): option.text for option in fact.find_all("option")}

    assert options[""] == "der ganze Eintrag"
    assert options["coordinates"] == "Lage (Koordinaten)"
    assert options["population"] == "Einwohnerzahl"
    assert "version" not in options and "id" not in options
    assert fact.find("option", selected=True).get("value") == "coordinates"  # the GeoNames citation


def test_every_fact_the_data_cites_is_one_the_form_offers(demo):
    offered = {}
    for citation in Citation.objects.exclude(fact="").select_related("content_type"):
        model = citation.content_type.model_class()
        offered.setdefault(model, {value for value, _ in fact_choices(model)})
        assert citation.fact in offered[model], (model.__name__, citation.fact)
    assert offered


def test_a_forged_fact_is_a_form_error(client, demo_users):
    client.force_login(demo_users["koordination-stendal"])
    town = City.objects.get(slug="stendal")
    data = form_data(page(client.get(admin_url(City, "change", town.pk))).one("form", id="city_form"))
    data["engagiert-citation-content_type-object_id-0-fact"] = ["abc"]

    response = client.post(admin_url(City, "change", town.pk), data)

    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in page(response).text
    assert set(
        Citation.objects.filter(object_id=town.pk, content_type__model="city").values_list("fact", flat=True)
    ) >= {"coordinates"}
