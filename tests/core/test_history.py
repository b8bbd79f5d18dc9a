"""Change history in the admin: recorded with user and date, shown as a readable diff, restored by the office only."""

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import City, State
from events.models import Meeting
from networks.models import Membership, Network
from tests.core.test_locking import admin_change_url, admin_form, open_change_form, signed_in
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

STENDAL = "stendal"
NEW_DESCRIPTION = ("Stendal stärkt das Engagement in der Altmark. " * 4).strip()


def history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def version_url(obj, record) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def edit_stendal(client, **changes):
    city = City.objects.get(slug=STENDAL)
    data = open_change_form(client, city)
    for name, value in changes.items():
        data[name] = [value]
    response = client.post(admin_change_url(city), data)
    assert response.status_code == 302, page(response).text
    return City.objects.get(pk=city.pk)


def test_a_change_in_the_admin_is_recorded_with_user_date_and_fields(demo_users):
    office = signed_in(demo_users["programmbuero"])
    before = City.objects.get(slug=STENDAL)
    city = edit_stendal(office, description=NEW_DESCRIPTION, kind="municipality")

    record = city.history.order_by("-history_date", "-history_id").first()
    assert record.history_type == "~"
    assert record.history_user == demo_users["programmbuero"]
    assert record.history_date is not None
    delta = record.diff_against(record.prev_record)
    assert set(delta.changed_fields) == {"description", "kind"}
    assert record.prev_record.description == before.description


def test_the_history_page_shows_who_and_before_after_in_german(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = edit_stendal(office, description=NEW_DESCRIPTION, kind="municipality")
    response = office.get(history_url(city))
    assert response.status_code == 200
    text = page(response).text
    assert "Änderungsverlauf: Hansestadt Stendal" in text
    assert "Paula Programmbüro" in text
    assert "Art: Stadt → Gemeinde" in text  # choice labels, not "town" / "municipality"
    assert "Kurzbeschreibung:" in text and "Zeichen" not in text  # words, not a count of characters
    assert "geändert" in text and "angelegt" in text
    assert "Changes" not in text and "Change reason" not in text
    table = page(response).one("table", id="change-history")
    assert "Änderungen (vorher → nachher)" in table.text


def test_related_rows_are_shown_by_name(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    other_organization = city.organizations.first()
    city = edit_stendal(office, coordinating_organization="")
    response = office.get(history_url(city))
    text = page(response).text
    assert f"Koordinierungsstelle: {other_organization.name} → (leer)" in text


def test_membership_edited_in_the_town_inline_is_recorded_with_the_user(demo_users):
    coordinator = signed_in(demo_users["koordination-stendal"])
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    data = open_change_form(office, city)
    membership = Membership.objects.filter(city=city).order_by("pk").first()
    index = next(
        i for i in range(int(data["memberships-TOTAL_FORMS"][0])) if data[f"memberships-{i}-id"] == [str(membership.pk)]
    )
    data[f"memberships-{index}-note"] = ["Beitritt laut Protokoll"]
    assert office.post(admin_change_url(city), data).status_code == 302

    record = Membership.history.filter(id=membership.pk).order_by("-history_date", "-history_id").first()
    assert record.history_type == "~"
    assert record.history_user == demo_users["programmbuero"]
    assert record.note == "Beitritt laut Protokoll"

    # The town's history page lists the inline change too; coordinators of the town may read it.
    response = coordinator.get(history_url(city))
    assert response.status_code == 200
    text = page(response).text
    assert "Änderungen an Mitgliedschaften" in text
    assert "Anmerkung: (leer) → Beitritt laut Protokoll" in text


def test_office_restores_an_earlier_version(demo_users):
    office = signed_in(demo_users["programmbuero"])
    original = City.objects.get(slug=STENDAL)
    changed = edit_stendal(office, description=NEW_DESCRIPTION, kind="municipality")
    earlier = changed.history.filter(version=original.version).order_by("-history_date").first()
    records_before = changed.history.count()

    response = office.get(version_url(changed, earlier))
    assert response.status_code == 200
    form = admin_form(response)
    assert "Diese Fassung wiederherstellen" in page(response).text
    data = form_data(form)
    assert data["seen_version"] == [str(changed.version)]  # restoring starts from the current version
    response = office.post(version_url(changed, earlier), data)
    assert response.status_code == 302, page(response).text

    restored = City.objects.get(pk=original.pk)
    assert restored.description == original.description
    assert restored.kind == original.kind
    assert restored.version == changed.version + 1  # no optimistic-locking refusal, a new version
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == demo_users["programmbuero"]
    assert latest.version == restored.version
    assert restored.history.count() == records_before + 1


def test_restoring_over_a_version_changed_meanwhile_is_refused(demo_users):
    office = signed_in(demo_users["programmbuero"])
    original = City.objects.get(slug=STENDAL)
    changed = edit_stendal(office, description=NEW_DESCRIPTION)
    earlier = changed.history.filter(version=original.version).first()
    data = form_data(admin_form(office.get(version_url(changed, earlier))))
    edit_stendal(signed_in(demo_users["koordination-stendal"]), website="https://www.stendal.de/")

    response = office.post(version_url(changed, earlier), data)
    assert response.status_code == 200
    assert "Website: „" in page(response).text
    assert City.objects.get(pk=original.pk).description == NEW_DESCRIPTION


def test_coordinator_reads_the_history_but_cannot_restore(demo_users):
    office = signed_in(demo_users["programmbuero"])
    coordinator = signed_in(demo_users["koordination-stendal"])
    original = City.objects.get(slug=STENDAL)
    changed = edit_stendal(office, description=NEW_DESCRIPTION)
    earlier = changed.history.filter(version=original.version).first()

    assert coordinator.get(history_url(changed)).status_code == 200
    response = coordinator.get(version_url(changed, earlier))
    assert response.status_code == 200
    assert "Diese Fassung wiederherstellen" not in page(response).text
    assert "kann nur das Programmbüro" in page(response).text

    records_before = changed.history.count()
    data = form_data(admin_form(response))
    response = coordinator.post(version_url(changed, earlier), data)
    assert response.status_code == 403
    stored = City.objects.get(pk=original.pk)
    assert stored.description == NEW_DESCRIPTION
    assert stored.version == changed.version
    assert stored.history.count() == records_before


def test_history_of_a_foreign_town_is_refused(demo_users):
    coordinator = signed_in(demo_users["koordination-stendal"])
    foreign = City.objects.exclude(slug=STENDAL).first()
    record = foreign.history.first()
    assert coordinator.get(history_url(foreign)).status_code == 403
    assert coordinator.get(version_url(foreign, record)).status_code == 403
    assert Client().get(history_url(foreign)).status_code == 302  # to the login


def test_changed_links_of_a_meeting_are_recorded_and_shown(demo_users):
    """Many-to-many links (organising networks, host towns) belong to the history too."""
    from events.models import Meeting
    from networks.models import Network

    office = signed_in(demo_users["programmbuero"])
    meeting = Meeting.objects.get(slug="gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025")
    federal = Network.objects.get(slug="bundesnetzwerk-engagierte-stadt")
    data = open_change_form(office, meeting)
    data["networks"] = [*data.get("networks", []), str(federal.pk)]
    response = office.post(admin_change_url(meeting), data)
    assert response.status_code == 302, page(response).text

    record = meeting.history.order_by("-history_date", "-history_id").first()
    assert {link.network_id for link in record.networks.all()} == set(meeting.networks.values_list("pk", flat=True))
    assert federal.pk in {link.network_id for link in record.networks.all()}
    shown = page(office.get(history_url(meeting))).text
    assert "Veranstaltende Netzwerke" in shown
    assert "Bundesnetzwerk Engagierte Stadt" in shown


def test_restoring_a_version_brings_back_its_many_to_many_links(demo_users):
    office = signed_in(demo_users["programmbuero"])
    network = Network.objects.get(slug="regionalnetzwerk-anhalt")
    version = network.version
    data = open_change_form(office, network)
    data["states"] = [str(State.objects.get(slug="bayern").pk)]
    assert office.post(admin_change_url(network), data).status_code == 302
    assert set(network.states.values_list("slug", flat=True)) == {"bayern"}
    earlier = network.history.filter(version=version).order_by("-history_date").first()

    response = office.get(version_url(network, earlier))
    data = form_data(admin_form(response))
    assert data["states"] == [str(State.objects.get(slug="sachsen-anhalt").pk)]
    response = office.post(version_url(network, earlier), data)

    assert response.status_code == 302, page(response).text
    assert set(network.states.values_list("slug", flat=True)) == {"sachsen-anhalt"}
    latest = network.history.order_by("-history_date", "-history_id").first()
    assert set(latest.states.values_list("state__slug", flat=True)) == {"sachsen-anhalt"}


def test_restoring_a_meeting_version_brings_back_its_towns(demo_users):
    office = signed_in(demo_users["programmbuero"])
    meeting = Meeting.objects.get(slug="besuch-puchheim-in-ingolstadt")
    towns = set(meeting.participating_cities.values_list("pk", flat=True))
    assert len(towns) > 1
    version = meeting.version
    data = open_change_form(office, meeting)
    data["participating_cities"] = [str(min(towns))]
    assert office.post(admin_change_url(meeting), data).status_code == 302
    assert set(meeting.participating_cities.values_list("pk", flat=True)) == {min(towns)}
    earlier = meeting.history.filter(version=version).order_by("-history_date").first()

    data = form_data(admin_form(office.get(version_url(meeting, earlier))))
    response = office.post(version_url(meeting, earlier), data)

    assert response.status_code == 302, page(response).text
    assert set(meeting.participating_cities.values_list("pk", flat=True)) == towns


def test_a_save_that_changes_nothing_adds_no_version(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    before = city.history.count()

    edit_stendal(office)

    assert city.history.count() == before


def test_entries_written_by_the_loader_say_so_instead_of_an_unknown_user(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)

    listing = page(office.get(history_url(city))).one("main").text

    assert "(unbekannt)" not in listing
    assert "System: Datendateien geladen (manage.py load_demo)" in listing


def test_the_history_shows_the_words_that_changed(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    changed = city.description.replace("Programmstart 2015", "Programmbeginn 2015", 1)
    assert changed != city.description

    edit_stendal(office, description=changed)
    table = page(office.get(history_url(city))).one("table", id="change-history")
    (removed,) = [node.text for node in table.find_all("del")]
    (added,) = [node.text for node in table.find_all("ins")]

    assert (removed, added) == ("Programmstart", "Programmbeginn")
    assert "Stendal" in table.text  # the words around the change stay readable


def test_the_history_page_has_no_inline_style_that_the_csp_would_block(demo_users):
    office = signed_in(demo_users["programmbuero"])
    city = edit_stendal(office, description=NEW_DESCRIPTION)

    html = office.get(history_url(city)).content.decode()

    assert " style=" not in html
