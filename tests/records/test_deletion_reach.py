"""Every deletion goes through the Papierkorb, and nobody deletes what reaches beyond their own entries.

A deletion changes more than its entry: deleting an organisation empties the towns it
coordinated and removes it from the networks it was a partner of; deleting a person clears
report authors and meeting participants. A coordinator or spokesperson may only delete where
they could make each of these changes themselves (core.permissions.foreign_consequences); the
page says what stands in the way. Whatever is deleted, by anyone and from any admin page, an
inline row or /redaktion/, can be restored by the office with its links.
"""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.sites import site
from django.db.models import ProtectedError, RestrictedError

from cities.models import City, Organization, Person
from core.directory import directory_app_labels
from core.models import DeletedEntry
from core.trash import consequences, in_trash, restore
from events.models import Meeting
from networks.models import Membership, Network
from tests.core.test_locking import admin_change_url, admin_form, signed_in
from tests.pages import form_data, page
from tests.records.test_trash import admin_url, delete_in_admin, restore_url

pytestmark = pytest.mark.django_db

AGENCY = "Freiwilligen-Agentur Altmark e.V."
CIRCLE = "Austauschkreis Stendal, Lemgo, Parchim und Gardelegen"
MAYOR = "Bastian Sieler"
EXCHANGE = "Digitaler Austausch der Verwaltungsspitzen"


def links_of_agency():
    agency = Organization.objects.get(name=AGENCY)
    return {
        "coordinates": set(City.objects.filter(coordinating_organization=agency).values_list("slug", flat=True)),
        "partner of": set(Network.objects.filter(partners=agency).values_list("slug", flat=True)),
    }


def test_a_coordinator_cannot_delete_an_organisation_a_foreign_network_refers_to(demo_users):
    client = signed_in(demo_users["koordination-stendal"])
    agency = Organization.objects.get(name=AGENCY)
    before = links_of_agency()
    assert before == {"coordinates": {"stendal"}, "partner of": {"austauschkreis-stendal-lemgo-parchim-gardelegen"}}

    # The request of the finding: a forged POST straight to the delete page.
    response = client.post(admin_url(agency, "delete", agency.pk), {"post": "yes"})
    assert response.status_code == 200
    text = page(response).text
    assert f"„{AGENCY}“ können Sie nicht löschen." in text
    assert f"Netzwerk: {CIRCLE}" in text
    # Her own town is not what stands in the way.
    assert "Hansestadt Stendal" not in text.split("die darauf verweisen:")[1].split("Sie können")[0]

    # The same through the list's delete action.
    action = client.post(
        admin_url(Organization, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [agency.pk], "post": "yes"},
    )
    assert action.status_code == 200
    assert "Diese Einträge können Sie nicht löschen." in page(action).text

    assert Organization.objects.filter(pk=agency.pk).exists()
    assert links_of_agency() == before
    assert not DeletedEntry.objects.exists()


def test_the_office_deletes_the_organisation_and_restores_it_with_all_its_links(demo_users):
    office = signed_in(demo_users["programmbuero"])
    before = links_of_agency()
    agency = Organization.objects.get(name=AGENCY)

    entry = delete_in_admin(office, agency)

    assert not Organization.objects.filter(name=AGENCY).exists()
    assert City.objects.get(slug="stendal").coordinating_organization is None
    assert not Network.objects.filter(partners__name=AGENCY).exists()
    assert entry.deleted_by.username == "programmbuero"

    assert office.post(restore_url(entry)).status_code == 302
    assert links_of_agency() == before


def test_a_person_deleted_by_the_office_comes_back_as_participant(demo_users):
    office = signed_in(demo_users["programmbuero"])
    mayor = Person.objects.get(name=MAYOR)
    meeting = Meeting.objects.get(title__startswith=EXCHANGE)
    assert mayor in meeting.participants.all()

    entry = delete_in_admin(office, mayor)
    assert not meeting.participants.filter(name=MAYOR).exists()

    restore(entry)
    assert meeting.participants.filter(name=MAYOR).exists()


def test_a_coordinator_deletes_her_own_organisation_into_the_papierkorb(demo_users):
    stendal = City.objects.get(slug="stendal")
    board = Organization.objects.create(name="Ehrenamtsbörse Stendal", city=stendal)
    stendal.coordinating_organization = board
    stendal.save()
    client = signed_in(demo_users["koordination-stendal"])

    entry = delete_in_admin(client, board)

    assert City.objects.get(slug="stendal").coordinating_organization is None
    assert entry.deleted_by.username == "koordination-stendal"
    restore(entry)
    assert City.objects.get(slug="stendal").coordinating_organization.name == "Ehrenamtsbörse Stendal"


def test_a_row_deleted_in_an_inline_goes_to_the_papierkorb(demo_users):
    office = signed_in(demo_users["programmbuero"])
    network = Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    data = form_data(admin_form(office.get(admin_change_url(network))))
    # The membership rows of the inline: "<prefix>-<n>-id" whose value is one of the network's memberships.
    memberships = {str(pk) for pk in Membership.objects.filter(network=network).values_list("pk", flat=True)}
    rows = [
        re.match(r"^(.+-\d+)-id$", name).group(1)
        for name, values in data.items()
        if re.match(r"^(.+-\d+)-id$", name) and values[0] in memberships and "membership" in name
    ]
    assert rows, sorted(data)[:20]
    row = rows[0]
    gone = Membership.objects.get(pk=data[f"{row}-id"][0])
    data[f"{row}-DELETE"] = ["on"]

    response = office.post(admin_change_url(network), data)

    assert response.status_code == 302, page(response).text[:2000]
    assert not Membership.objects.filter(pk=gone.pk).exists()
    entry = DeletedEntry.objects.get(model_label="networks.membership", object_pk=str(gone.pk))
    restore(entry)
    assert Membership.objects.filter(pk=gone.pk, network=network, city=gone.city).exists()


DIRECTORY_ADMINS = sorted(
    (model._meta.label_lower for model in site._registry if model._meta.app_label in {"cities", "networks", "events"}),
)


@pytest.mark.parametrize("label", DIRECTORY_ADMINS)
def test_every_entry_of_the_directory_deleted_in_the_admin_can_be_restored(demo_users, label):
    model = next(model for model in site._registry if model._meta.label_lower == label)
    assert in_trash(model)
    assert model._meta.app_label in directory_app_labels()
    deletable = []
    for obj in model._base_manager.order_by("-pk")[:20]:
        try:
            consequences(obj)
        except (ProtectedError, RestrictedError):
            continue
        deletable.append(obj)
    if not deletable:
        pytest.fail(f"no {label} in the demo data can be deleted")
    obj = deletable[0]
    office = signed_in(demo_users["programmbuero"])
    if office.get(admin_url(obj, "delete", obj.pk)).status_code == 403:
        # Fixed reference data (the states): nobody deletes it, not even the office.
        assert label == "cities.state"
        assert office.post(admin_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model._base_manager.filter(pk=obj.pk).exists()
        return

    entry = delete_in_admin(office, obj)

    assert not model._base_manager.filter(pk=obj.pk).exists()
    restore(entry)
    assert model._base_manager.filter(pk=obj.pk).exists()
