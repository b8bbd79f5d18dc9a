"""The permission matrix of the admin: each role × each model × view/add/change/delete × own and foreign objects.

Every request goes through the admin's URLs with the demo accounts. Writes are sent as a
browser would send them (the form as rendered, with one value changed); refused writes,
including forged POSTs for pages the user could not even open, must leave the database
exactly as it was.
"""

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from cities.models import City, CityCoordinator, Organization, Person
from core import permissions
from events.models import Meeting, MeetingReport
from networks.models import Membership, Network, NetworkEditor, Seat, StatePartnership
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "coordinator": "koordination-stendal",
    "spokesperson": "sprecherin-sachsen-anhalt",
    "office": "programmbuero",
}
LSA = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
AUSTAUSCHKREIS = "austauschkreis-stendal-lemgo-parchim-gardelegen"
BUNDESNETZWERK = "bundesnetzwerk-engagierte-stadt"


def _meeting(title_start):
    return Meeting.objects.get(title__startswith=title_start)


# model -> (own object per role, foreign object, field to change, new value)
SUBJECTS = {
    "city": {
        "model": City,
        "own": {"coordinator": lambda: City.objects.get(slug="stendal")},
        "foreign": lambda: City.objects.get(slug="lemgo"),
        "field": "description",
    },
    "organization": {
        "model": Organization,
        "own": {"coordinator": lambda: Organization.objects.get(name="Freiwilligen-Agentur Altmark e.V.")},
        "foreign": lambda: Organization.objects.get(name="Bürgerstiftung Holzkirchen"),
        "field": "description",
    },
    "person": {
        "model": Person,
        "own": {"coordinator": lambda: Person.objects.get(name="Bastian Sieler")},
        "foreign": lambda: Person.objects.get(name="Marcus Baier"),
        "field": "role",
    },
    "network": {
        "model": Network,
        "own": {"spokesperson": lambda: Network.objects.get(slug=LSA)},
        "foreign": lambda: Network.objects.get(slug="bundesnetzwerk-engagierte-stadt"),
        "field": "description",
    },
    "membership": {
        "model": Membership,
        "own": {
            "spokesperson": lambda: Membership.objects.get(network__slug=LSA, city__slug="bitterfeld-wolfen"),
            "coordinator": lambda: Membership.objects.get(network__slug=AUSTAUSCHKREIS, city__slug="stendal"),
        },
        "foreign": lambda: Membership.objects.get(network__slug="bundesnetzwerk-engagierte-stadt", city__slug="lemgo"),
        "field": "note",
    },
    "seat": {
        "model": Seat,
        "own": {"spokesperson": lambda: Seat.objects.filter(network__slug=LSA).first()},
        "foreign": lambda: Seat.objects.get(network__slug="bundesnetzwerk-engagierte-stadt"),
        "field": "title",
    },
    "statepartnership": {
        "model": StatePartnership,
        "own": {},
        "foreign": lambda: StatePartnership.objects.get(state__code="DE-ST"),
        "field": "description",
    },
    "meeting": {
        "model": Meeting,
        "own": {"spokesperson": lambda: _meeting("Gründungstreffen des Landesnetzwerks")},
        "foreign": lambda: _meeting("Netzwerktreffen 2024 in Würzburg"),
        "field": "description",
    },
    "meetingreport": {
        "model": MeetingReport,
        "own": {"spokesperson": lambda: MeetingReport.objects.get(meeting__title__startswith="Gründungstreffen")},
        "foreign": lambda: MeetingReport.objects.get(meeting__title__startswith="Digitaler Austausch"),
        "field": "lead",
    },
}

# What each role may do with its own objects; foreign objects: only the office, always.
ALLOWED = {
    "anonymous": {},
    "coordinator": {
        "city": {"view", "change"},
        "organization": {"view", "add", "change", "delete"},
        "person": {"view", "add", "change", "delete"},
        "membership": {"view", "add", "change", "delete"},
    },
    "spokesperson": {
        "network": {"view"},
        "membership": {"view", "add", "change", "delete"},
        "meeting": {"view", "add", "change", "delete"},
        "meetingreport": {"view", "add", "change", "delete"},
    },
    "office": {name: {"view", "add", "change", "delete"} for name in SUBJECTS},
}

# A new row each role could own, for the add pages: field values on top of the rendered add form.
NEW_ROWS = {
    "organization": lambda: {
        "name": "Ehrenamtsbörse Stendal",
        "kind": "association",
        "city": City.objects.get(slug="stendal").pk,
    },
    "person": lambda: {
        "name": "Erika Musterfrau",
        "role": "Ehrenamtskoordinatorin",
        "city": City.objects.get(slug="stendal").pk,
    },
    "membership": lambda: {
        "city": City.objects.get(slug="lemgo").pk,
        "network": Network.objects.get(slug=LSA).pk,
        "role": "member",
    },
    "meeting": lambda: {
        "title": "Netzwerktreffen im Herbst",
        "slug": "netzwerktreffen-im-herbst",
        "kind": "network_meeting",
        "format": "digital",
        "status": "planned",
        "date_precision": "quarter",
        "starts_on": "2027-10-01",
        "networks": [Network.objects.get(slug=LSA).pk],
    },
    "meetingreport": lambda: {"meeting": meeting_without_report().pk, "status": "draft", "body": "Entwurf"},
    "city": lambda: {"name": "Neustadt", "slug": "neustadt", "state": City.objects.get(slug="stendal").state_id},
    "network": lambda: {"name": "Netzwerk Altmark", "slug": "netzwerk-altmark", "kind": "regional"},
    "seat": lambda: {"network": Network.objects.get(slug=LSA).pk, "title": "Beisitz"},
    "statepartnership": lambda: {"state": City.objects.get(slug="lemgo").state_id, "ordinal": 99},
}


# Where the new row differs by role: a coordinator adds the own town to a further network.
NEW_ROWS_OF_ROLE = {
    ("coordinator", "membership"): lambda: {
        "city": City.objects.get(slug="stendal").pk,
        "network": Network.objects.get(slug="regionalnetzwerk-anhalt").pk,
        "role": "member",
    },
}


def meeting_without_report():
    """A meeting of the Landesnetzwerk Sachsen-Anhalt still waiting for its report."""
    meeting = Meeting.objects.create(title="Arbeitstreffen der Landessprecher", starts_on="2026-06-01")
    meeting.networks.add(Network.objects.get(slug=LSA))
    return meeting


@pytest.fixture
def accounts(demo_users):
    return demo_users


def login(client, accounts, role):
    if ROLES[role] is not None:
        client.force_login(accounts[ROLES[role]])
    return client


def url(name, obj=None, action="change"):
    opts = SUBJECTS[name]["model"]._meta
    if obj is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}")
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


def errors(response) -> str:
    """The error messages of a re-rendered admin form, for assertion messages."""
    if response.status_code != 200:
        return str(response.status_code)
    return " | ".join(node.text for node in page(response).find_all(class_="errorlist")) or page(response).text[:500]


def snapshot(model):
    return {obj.pk: model_to_dict(obj) for obj in model._base_manager.order_by("pk")}


def refused(response):
    """Refusal as the admin gives it: 403 for signed-in staff, the login page for anybody else."""
    return response.status_code == 403 or (response.status_code == 302 and "/login/" in response["Location"])


def rendered_change_form(client, office_client, name, obj):
    """The change form's data as the user's browser has it; for a forged POST, as the office sees it."""
    response = client.get(url(name, obj))
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        response = office_client.get(url(name, obj))
    assert response.status_code == 200
    return form_data(page(response).one("form", id=f"{SUBJECTS[name]['model']._meta.model_name}_form"))


@pytest.fixture
def office_client(client_factory, accounts):
    other = client_factory()
    other.force_login(accounts["programmbuero"])
    return other


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def targets(name, role):
    """(object, may the role act on it) for the role's own object, if any, and a foreign one."""
    subject = SUBJECTS[name]
    own = subject["own"].get(role)
    found = [(subject["foreign"](), role == "office")]
    if own is not None:
        found.insert(0, (own(), True))
    return found


# --- view -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SUBJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_view(client, accounts, role, name):
    login(client, accounts, role)
    allowed = "view" in ALLOWED[role].get(name, set())
    listing = client.get(url(name, action="changelist") + "?all=")  # every row on one page
    if not (allowed or role == "office"):
        assert refused(listing)
    for obj, owned in targets(name, role):
        response = client.get(url(name, obj))
        if allowed and owned:
            assert response.status_code == 200, (role, name, obj)
            assert obj in listing.context["cl"].result_list
        else:
            assert refused(response), (role, name, obj, response.status_code)
            if listing.status_code == 200:
                assert obj not in listing.context["cl"].result_list


# --- change ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SUBJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_change(client, office_client, accounts, role, name):
    login(client, accounts, role)
    model = SUBJECTS[name]["model"]
    field = SUBJECTS[name]["field"]
    allowed = "change" in ALLOWED[role].get(name, set())
    for obj, owned in targets(name, role):
        data = rendered_change_form(client, office_client, name, obj)
        data[field] = ["Geändert über die Verwaltung"]
        before = snapshot(model)
        response = client.post(url(name, obj), data)
        if allowed and owned:
            assert response.status_code == 302, (role, name, errors(response))
            obj.refresh_from_db()
            assert getattr(obj, field) == "Geändert über die Verwaltung"
        else:
            assert refused(response), (role, name, obj, response.status_code)
            assert snapshot(model) == before


# --- delete ---------------------------------------------------------------------------------


# Own rows whose deletion would change rows outside the role's towns and networks (the demo's
# Stendal organisation is a partner of the Austauschkreis, its mayor took part in that network's
# meeting): the delete page explains why it cannot be done, and a forged POST changes nothing.
REACHES_OUTSIDE = {
    ("coordinator", "organization"): "Austauschkreis Stendal, Lemgo, Parchim und Gardelegen",
    ("coordinator", "person"): "Digitaler Austausch der Verwaltungsspitzen von Stendal, Lemgo, Parchim und Gardelegen",
}


@pytest.mark.parametrize("name", SUBJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_delete(client, accounts, role, name):
    login(client, accounts, role)
    model = SUBJECTS[name]["model"]
    allowed = "delete" in ALLOWED[role].get(name, set())
    for obj, owned in reversed(targets(name, role)):
        before = snapshot(model)
        confirmation = client.get(url(name, obj, "delete"))
        response = client.post(url(name, obj, "delete"), {"post": "yes"})
        if allowed and owned and (role, name) in REACHES_OUTSIDE:
            assert confirmation.status_code == response.status_code == 200
            for answer in (confirmation, response):
                text = page(answer).text
                assert f"„{obj}“ können Sie nicht löschen." in text
                assert REACHES_OUTSIDE[role, name] in text
                assert "wenden Sie sich bitte an das Programmbüro" in text
            assert snapshot(model) == before
        elif allowed and owned:
            assert confirmation.status_code == 200
            assert response.status_code == 302, (role, name, response.status_code)
            assert not model._base_manager.filter(pk=obj.pk).exists()
        else:
            assert refused(confirmation) and refused(response), (role, name, obj, response.status_code)
            assert snapshot(model) == before


def test_bulk_delete_action_skips_foreign_rows(client, accounts):
    """A forged changelist action with foreign ids deletes only what the user owns."""
    client.force_login(accounts["koordination-stendal"])
    own = Person.objects.create(name="Paula Probe", role="Ehrenamtskoordination", city=City.objects.get(slug="stendal"))
    foreign = Person.objects.get(name="Marcus Baier")
    client.post(
        url("person", action="changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk, foreign.pk], "post": "yes"},
    )
    assert not Person.objects.filter(pk=own.pk).exists()
    assert Person.objects.filter(pk=foreign.pk).exists()


# --- add ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SUBJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_add(client, office_client, accounts, role, name):
    login(client, accounts, role)
    model = SUBJECTS[name]["model"]
    allowed = "add" in ALLOWED[role].get(name, set())
    form_page = client.get(url(name, action="add"))
    source = form_page if form_page.status_code == 200 else office_client.get(url(name, action="add"))
    data = form_data(page(source).one("form", id=f"{model._meta.model_name}_form"))
    new_row = NEW_ROWS_OF_ROLE.get((role, name), NEW_ROWS[name])()
    data.update({key: value if isinstance(value, list) else [value] for key, value in new_row.items()})
    before = snapshot(model)
    response = client.post(url(name, action="add"), data)
    if allowed:
        assert form_page.status_code == 200
        assert response.status_code == 302, (role, name, errors(response))
        assert len(snapshot(model)) == len(before) + 1
    else:
        assert refused(form_page) and refused(response), (role, name, response.status_code)
        assert snapshot(model) == before


# --- forged values: own rows cannot be moved to foreign towns or networks -----------------------


def test_coordinator_cannot_move_a_person_to_a_foreign_town(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    person = Person.objects.get(name="Bastian Sieler")
    data = form_data(page(client.get(url("person", person))).one("form", id="person_form"))
    data["city"] = [str(City.objects.get(slug="lemgo").pk)]
    response = client.post(url("person", person), data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.city.slug == "stendal"
    assert "Auswahl" in page(response).text


def test_coordinator_cannot_add_an_organisation_to_a_foreign_town(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    form = page(client.get(url("organization", action="add"))).one("form", id="organization_form")
    data = form_data(form)
    data.update(
        {"name": ["Fremde Initiative"], "kind": ["association"], "city": [str(City.objects.get(slug="lemgo").pk)]}
    )
    before = Organization.objects.count()
    response = client.post(url("organization", action="add"), data)
    assert response.status_code == 200
    assert Organization.objects.count() == before


def test_coordinator_cannot_change_office_fields_of_the_own_town(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    town = City.objects.get(slug="stendal")
    data = form_data(page(client.get(url("city", town))).one("form", id="city_form"))
    data.update({"slug": ["gekapert"], "active": [], "joined_year": ["2024"], "name": ["Stendal"]})
    client.post(url("city", town), data)
    town.refresh_from_db()
    assert (town.slug, town.active, town.joined_year) == ("stendal", True, 2015)


def test_spokesperson_cannot_move_a_meeting_to_a_foreign_network(client, accounts):
    client.force_login(accounts["sprecherin-sachsen-anhalt"])
    meeting = _meeting("Gründungstreffen des Landesnetzwerks")
    data = form_data(page(client.get(url("meeting", meeting))).one("form", id="meeting_form"))
    data["networks"] = [str(Network.objects.get(slug="bundesnetzwerk-engagierte-stadt").pk)]
    response = client.post(url("meeting", meeting), data)
    assert response.status_code == 200
    assert list(meeting.networks.values_list("slug", flat=True)) == [LSA]


def offered(client, model: str, field_name: str, term: str = "") -> list[str]:
    """What the admin's autocomplete offers the signed-in user for `app.model`'s field."""
    app_label, model_name = model.split(".")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    return [row["text"] for row in response.json()["results"]]


def test_choice_lists_offer_only_what_the_coordinator_may_use(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    assert offered(client, "cities.person", "city") == ["Hansestadt Stendal"]
    assert offered(client, "cities.person", "organization") == ["Freiwilligen-Agentur Altmark e.V."]


def test_spokesperson_picks_any_town_but_only_own_networks(client, accounts):
    client.force_login(accounts["sprecherin-sachsen-anhalt"])
    assert offered(client, "networks.membership", "city", "Lem") == ["Alte Hansestadt Lemgo"]
    assert offered(client, "networks.membership", "network") == [str(Network.objects.get(slug=LSA))]


# --- coordinators and their towns' memberships ----------------------------------------------------


def test_coordinator_picks_the_own_towns_and_any_network_but_the_bundesnetzwerk(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    networks = set(offered(client, "networks.membership", "network"))

    assert offered(client, "networks.membership", "city") == ["Hansestadt Stendal"]
    assert str(Network.objects.get(slug="regionalnetzwerk-anhalt")) in networks
    assert str(Network.objects.get(slug=BUNDESNETZWERK)) not in networks
    assert len(networks) == Network.objects.exclude(slug=BUNDESNETZWERK).count()


def test_the_place_in_the_programme_stays_with_the_office(client, accounts):
    """The Bundesnetzwerk membership is the town's membership in the programme: a coordinator
    reads it but neither changes, ends nor deletes it, nor adds a town to the Bundesnetzwerk."""
    client.force_login(accounts["koordination-stendal"])
    programme = Membership.objects.get(network__slug=BUNDESNETZWERK, city__slug="stendal")
    before = snapshot(Membership)

    assert client.get(url("membership", programme)).status_code == 200
    data = form_data(page(client.get(url("membership", programme))).one("form", id="membership_form"))
    assert refused(client.post(url("membership", programme), {**data, "until": ["2026-01-01"]}))
    assert refused(client.post(url("membership", programme, "delete"), {"post": "yes"}))
    programme.delete()
    with_bundesnetzwerk = {
        **form_data(page(client.get(url("membership", action="add"))).one("form", id="membership_form")),
        "city": [str(City.objects.get(slug="stendal").pk)],
        "network": [str(Network.objects.get(slug=BUNDESNETZWERK).pk)],
        "role": ["member"],
    }
    response = client.post(url("membership", action="add"), with_bundesnetzwerk)
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in errors(response)
    assert not Membership.objects.filter(network__slug=BUNDESNETZWERK, city__slug="stendal").exists()
    assert len(snapshot(Membership)) == len(before) - 1


def test_coordinator_keeps_the_towns_memberships_on_its_admin_page(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    town = City.objects.get(slug="stendal")
    response = client.get(url("city", town))
    (inline,) = [
        inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "memberships"
    ]

    # The town's networks, without its place in the Bundesnetzwerk (the office's).
    shown = {form.instance.network.slug for form in inline.formset.initial_forms}
    assert shown == {LSA, AUSTAUSCHKREIS}
    assert inline.has_add_permission and inline.has_change_permission and inline.has_delete_permission

    data = form_data(page(response).one("form", id="city_form"))
    rows = int(data["memberships-TOTAL_FORMS"][0])
    data["memberships-TOTAL_FORMS"] = [str(rows + 1)]
    new = f"memberships-{rows}"
    data.update(
        {
            f"{new}-network": [str(Network.objects.get(slug="regionalnetzwerk-anhalt").pk)],
            f"{new}-role": ["member"],
            f"{new}-since_precision": ["year"],
        }
    )
    saved = client.post(url("city", town), data)

    assert saved.status_code == 302, errors(saved)
    assert set(town.memberships.values_list("network__slug", flat=True)) == {
        BUNDESNETZWERK,
        LSA,
        AUSTAUSCHKREIS,
        "regionalnetzwerk-anhalt",
    }


def test_autocomplete_refuses_fields_without_a_rule(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "networks", "model_name": "seat", "field_name": "network", "term": ""},
    )
    assert response.status_code == 403


# --- roles --------------------------------------------------------------------------------------


def test_rights_follow_the_assignments(accounts):
    coordinator = accounts["koordination-stendal"]
    assert permissions.roles(coordinator) == ["Koordination"]
    assert permissions.roles(accounts["sprecherin-sachsen-anhalt"]) == ["Sprecherrat"]
    assert permissions.roles(accounts["redaktion-anhalt"]) == ["Sprecherrat"]
    assert permissions.roles(accounts["programmbuero"]) == ["Programmbüro"]

    NetworkEditor.objects.create(user=coordinator, network=Network.objects.get(slug=LSA))
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # fresh: rights are cached per request
    assert permissions.roles(coordinator) == ["Koordination", "Sprecherrat"]
    assert permissions.can(coordinator, "change", _meeting("Gründungstreffen des Landesnetzwerks"))
    assert permissions.can(coordinator, "change", City.objects.get(slug="stendal"))


def test_an_ended_seat_ends_the_rights(accounts):
    import datetime

    from networks.models import SeatTerm

    SeatTerm.objects.filter(person__user=accounts["sprecherin-sachsen-anhalt"]).update(
        term_ends_on=datetime.date(2025, 12, 31)
    )
    user = type(accounts["sprecherin-sachsen-anhalt"]).objects.get(username="sprecherin-sachsen-anhalt")
    assert not permissions.is_spokesperson(user)
    assert not permissions.can(user, "change", _meeting("Gründungstreffen des Landesnetzwerks"))


def test_office_assigns_a_coordinator_on_the_user_page(client, accounts):
    client.force_login(accounts["programmbuero"])
    user = type(accounts["programmbuero"]).objects.create_user("neu", password="Ein-langes-Passwort-2026")
    change = reverse("admin:auth_user_change", args=[user.pk])
    data = form_data(page(client.get(change)).one("form", id="user_form"))
    data.update({"coordinated-TOTAL_FORMS": ["1"], "coordinated-0-city": [str(City.objects.get(slug="lemgo").pk)]})
    response = client.post(change, data)
    assert response.status_code == 302, page(response).text[:2000]
    user.refresh_from_db()
    assert user.is_staff
    assert CityCoordinator.objects.filter(user=user, city__slug="lemgo").exists()


def test_coordinator_cannot_open_user_administration(client, accounts):
    client.force_login(accounts["koordination-stendal"])
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    me = accounts["koordination-stendal"]
    response = client.post(reverse("admin:auth_user_change", args=[me.pk]), {"is_superuser": "on"})
    assert response.status_code == 403
    me.refresh_from_db()
    assert not me.is_superuser


@pytest.mark.parametrize("role", ["coordinator", "spokesperson"])
def test_history_of_foreign_rows_stays_closed(client, accounts, role):
    login(client, accounts, role)
    for name in ("city", "meeting", "membership"):
        foreign = SUBJECTS[name]["foreign"]()
        opts = foreign._meta
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[foreign.pk])
        assert client.get(history).status_code == 403
        record = type(foreign).history.filter(id=foreign.pk).first()
        version = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[foreign.pk, record.history_id]
        )
        assert client.get(version).status_code == 403


def test_coordinator_reads_the_history_of_the_own_town(client, accounts):
    login(client, accounts, "coordinator")
    town = City.objects.get(slug="stendal")
    response = client.get(reverse("admin:cities_city_history", args=[town.pk]))
    assert response.status_code == 200


# --- the scoped lists stay cheap ------------------------------------------------------------------


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("coordinator", "city"),
        ("coordinator", "person"),
        ("coordinator", "organization"),
        ("spokesperson", "membership"),
        ("spokesperson", "meeting"),
        ("spokesperson", "meetingreport"),
    ],
)
def test_scoped_changelists_keep_their_query_count(client, accounts, role, name):
    """More rows of the user's own do not add queries to the role's lists."""
    login(client, accounts, role)
    path = url(name, action="changelist")
    client.get(path)
    few = count_queries(client, path)
    stendal = City.objects.get(slug="stendal")
    network = Network.objects.get(slug=LSA)
    for number, slug in enumerate(("lemgo", "parchim", "coburg")):
        Person.objects.create(name=f"Lotsin {number}", role="Ehrenamtslotsin", city=stendal)
        Organization.objects.create(name=f"Initiative {number}", city=stendal)
        Membership.objects.create(city=City.objects.get(slug=slug), network=network)
        meeting = Meeting.objects.create(title=f"Arbeitstreffen {number}", starts_on=f"2026-0{number + 1}-15")
        meeting.networks.add(network)
        MeetingReport.objects.create(meeting=meeting, body="Bericht", lead="Kurz")
    assert count_queries(client, path) == few


def test_office_links_a_seat_holder_to_an_account(client, accounts):
    """Linking the person who holds a seat to an account makes that account a spokesperson."""
    client.force_login(accounts["programmbuero"])
    account = type(accounts["programmbuero"]).objects.create_user("niklas", password="Ein-langes-Passwort-2026")
    person = Person.objects.get(name="Niklas Neumann")
    change = url("person", person)
    data = form_data(page(client.get(change)).one("form", id="person_form"))
    data["user"] = [str(account.pk)]
    assert client.post(change, data).status_code == 302
    account = type(account).objects.get(pk=account.pk)
    assert permissions.spoken_network_ids(account) == {Network.objects.get(slug=LSA).pk}


def test_the_admin_start_page_names_the_own_towns_and_networks(client, accounts):
    login(client, accounts, "coordinator")
    panel = page(client.get(reverse("admin:index"))).one(id="my-work")
    assert "Koordination" in panel.text
    assert panel.links() == [reverse("admin:cities_city_change", args=[City.objects.get(slug="stendal").pk])]

    login(client, accounts, "spokesperson")
    panel = page(client.get(reverse("admin:index"))).one(id="my-work")
    assert "Landesnetzwerk Engagierte Städte Sachsen-Anhalt" in panel.text
    assert reverse("editorial:home") in panel.links()

    login(client, accounts, "office")
    assert page(client.get(reverse("admin:index"))).find(id="my-work") is None


def test_the_staff_flag_follows_the_roles_an_account_holds(demo, django_user_model):
    user = django_user_model.objects.create_user("zwei-rollen", password="Ein-langes-Passwort-2026")
    coordination = CityCoordinator.objects.create(user=user, city=City.objects.get(slug="stendal"))
    user.refresh_from_db()
    assert user.is_staff
    editing = NetworkEditor.objects.create(user=user, network=Network.objects.get(slug="regionalnetzwerk-anhalt"))

    coordination.delete()
    user.refresh_from_db()
    assert user.is_staff  # still looks after a network

    editing.delete()
    user.refresh_from_db()
    assert not user.is_staff


def test_the_report_author_autocomplete_lists_only_the_speakers_of_the_users_networks(demo_users):
    query = {"app_label": "events", "model_name": "meetingreport", "field_name": "author"}

    coordinator = Client()
    coordinator.force_login(demo_users["koordination-stendal"])
    assert coordinator.get("/admin/autocomplete/", query).json()["results"] == []

    spokesperson = Client()
    spokesperson.force_login(demo_users["sprecherin-sachsen-anhalt"])
    names = [row["text"] for row in spokesperson.get("/admin/autocomplete/", query).json()["results"]]
    assert names and len(names) < Person.objects.count()
    assert any("Kathrin Hinze" in name for name in names)  # Landessprecherin of her network
    assert not any("Torsten Pötzsch" in name for name in names)  # a Saxon mayor, no seat of hers
