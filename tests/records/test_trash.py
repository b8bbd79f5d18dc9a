"""The Papierkorb: deleting a town, network or meeting in the admin can be undone by the office."""

import datetime
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cities.models import City, CityCoordinator, Organization, Person
from core.models import DeletedEntry
from core.trash import RESTORE_REASON, delete_with_snapshot, restore
from events.models import Meeting, MeetingPhoto, MeetingReport
from networks.models import Membership, Network, Seat, SeatTerm, SubGroup
from tests.core.test_locking import signed_in
from tests.pages import page

pytestmark = pytest.mark.django_db

STENDAL = "stendal"
TINY_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
TRASH = reverse("admin:engagiert_deletedentry_changelist")


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def restore_url(entry):
    return reverse("admin:engagiert_deletedentry_restore", args=[entry.pk])


def delete_in_admin(client, obj):
    url = admin_url(obj, "delete", obj.pk)
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Papierkorb" in page(confirmation).text
    assert "wiederherstellen, 90 Tage lang" in page(confirmation).text
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, page(response).text
    return DeletedEntry.objects.get(model_label=obj._meta.label_lower, object_pk=str(obj.pk), restored_at=None)


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"]) if response.context else ""


def town_links(city):
    """Everything that ties a town into the directory."""
    return {
        "memberships": set(
            Membership.objects.filter(city=city).values_list("pk", "network_id", "role", "since", "until")
        ),
        "organizations": set(Organization.objects.filter(city=city).values_list("pk", flat=True)),
        "people": set(Person.objects.filter(city=city).values_list("pk", flat=True)),
        "coordinators": set(CityCoordinator.objects.filter(city=city).values_list("user_id", flat=True)),
        "hosted": set(Meeting.objects.filter(host_cities=city).values_list("pk", flat=True)),
        "attended": set(Meeting.objects.filter(participating_cities=city).values_list("pk", flat=True)),
        "held_here": set(Meeting.objects.filter(place_city=city).values_list("pk", flat=True)),
    }


def test_deleting_a_town_and_restoring_it_from_the_papierkorb(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    before = town_links(city)
    assert all(before[name] for name in ["memberships", "organizations", "people", "coordinators", "hosted"])

    entry = delete_in_admin(client, city)
    assert not City.objects.filter(pk=city.pk).exists()
    assert not Membership.objects.filter(city_id=city.pk).exists()
    assert not Person.objects.filter(pk__in=before["people"], city__isnull=False).exists()
    assert entry.deleted_by == demo_users["programmbuero"]
    assert entry.name == "Hansestadt Stendal"
    assert entry.related_count >= len(before["memberships"]) + len(before["hosted"])
    assert city.history.filter(history_type="-").exists()

    listing = client.get(TRASH)
    assert listing.status_code == 200
    assert "Hansestadt Stendal" in page(listing).text and "im Papierkorb" in page(listing).text
    detail = client.get(admin_url(entry, "change", entry.pk))
    assert "Wiederherstellen" in page(detail).text and "Mitgliedschaften" in page(detail).text

    response = client.post(restore_url(entry), follow=True)
    assert response.redirect_chain[-1][0] == admin_url(city, "change", city.pk)
    assert "wurde mit allen mitgelöschten Angaben wiederhergestellt" in messages_of(response)

    restored = City.objects.get(pk=city.pk)
    assert restored.slug == STENDAL and restored.version == city.version
    assert town_links(restored) == before
    entry.refresh_from_db()
    assert entry.restored_by == demo_users["programmbuero"] and entry.restored_at is not None
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == demo_users["programmbuero"]
    assert latest.history_change_reason == RESTORE_REASON
    assert client.get(restored.get_absolute_url()).status_code == 200
    # The coordinator of the town may edit it again.
    coordinator = signed_in(demo_users["koordination-stendal"])
    assert coordinator.get(admin_url(restored, "change", restored.pk)).status_code == 200


def network_state(network):
    created_at = Network.objects.filter(pk=network.pk).values_list("created_at", flat=True).first()
    return {
        # Everything but the times: a restored network counts as changed when it is restored, and the
        # snapshot's JSON keeps its creation time to the millisecond.
        "network": Network.objects.filter(pk=network.pk)
        .values(*(f.attname for f in Network._meta.concrete_fields if f.name not in {"created_at", "modified_at"}))
        .first(),
        "created": created_at.replace(microsecond=0) if created_at else None,
        "states": set(network.states.values_list("pk", flat=True)),
        "subgroups": set(SubGroup.objects.filter(network_id=network.pk).values_list("pk", "name")),
        "memberships": set(
            Membership.objects.filter(network_id=network.pk).values_list("pk", "city_id", "subgroup_id", "role")
        ),
        "seats": set(Seat.objects.filter(network_id=network.pk).values_list("pk", "title")),
        "terms": set(SeatTerm.objects.filter(seat__network_id=network.pk).values_list("pk", "person_id")),
        "meetings": set(Meeting.objects.filter(networks=network.pk).values_list("pk", flat=True)),
        "children": set(Network.objects.filter(parent_id=network.pk).values_list("pk", flat=True)),
    }


@pytest.mark.parametrize(
    "slug",
    [
        "landesnetzwerk-engagierte-staedte-sachsen-anhalt",
        "engagierte-staedte-sachsen",
        "bundesnetzwerk-engagierte-stadt",
    ],
)
def test_deleting_a_network_through_the_list_action_and_restoring_it(client, demo_users, slug):
    client.force_login(demo_users["programmbuero"])
    network = Network.objects.get(slug=slug)
    before = network_state(network)
    assert before["memberships"] and (before["seats"] or before["subgroups"] or before["children"])

    changelist = admin_url(Network, "changelist")
    confirmation = client.post(changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [network.pk]})
    assert "Papierkorb" in page(confirmation).text
    assert "wiederherstellen, 90 Tage lang" in page(confirmation).text
    response = client.post(changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [network.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Network.objects.filter(pk=network.pk).exists()
    assert not Membership.objects.filter(network_id=network.pk).exists()
    assert not Network.objects.filter(parent_id=network.pk).exists()

    entry = DeletedEntry.objects.get(model_label="networks.network", object_pk=str(network.pk))
    response = client.post(restore_url(entry))
    assert response.status_code == 302
    assert network_state(network) == before
    assert Network.objects.get(pk=network.pk).modified_at > entry.deleted_at


def test_deleting_a_meeting_with_its_report_and_photos_and_restoring_it(client, demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = Meeting.objects.get(slug="netzwerktreffen-sachsen-weisswasser-2025")
    report = meeting.report
    photo = MeetingPhoto.objects.create(
        report=report,
        image=SimpleUploadedFile("treffen.gif", TINY_GIF, content_type="image/gif"),
        alt_text="Gruppenbild",
        credit="Foto: Netzwerk",
    )
    links = {
        "networks": set(meeting.networks.values_list("pk", flat=True)),
        "hosts": set(meeting.host_cities.values_list("pk", flat=True)),
        "participating": set(meeting.participating_cities.values_list("pk", flat=True)),
        "participants": set(meeting.participants.values_list("pk", flat=True)),
    }
    client.force_login(demo_users["programmbuero"])

    entry = delete_in_admin(client, meeting)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not MeetingReport.objects.filter(pk=report.pk).exists()
    assert not MeetingPhoto.objects.filter(pk=photo.pk).exists()

    response = client.post(restore_url(entry))
    assert response.status_code == 302
    restored = Meeting.objects.get(pk=meeting.pk)
    assert restored.place_city_id == meeting.place_city_id and restored.title == meeting.title
    assert MeetingReport.objects.get(pk=report.pk).body == report.body
    restored_photo = MeetingPhoto.objects.get(pk=photo.pk)
    assert restored_photo.image.name == photo.image.name and restored_photo.image.storage.exists(photo.image.name)
    assert {
        "networks": set(restored.networks.values_list("pk", flat=True)),
        "hosts": set(restored.host_cities.values_list("pk", flat=True)),
        "participating": set(restored.participating_cities.values_list("pk", flat=True)),
        "participants": set(restored.participants.values_list("pk", flat=True)),
    } == links
    assert MeetingPhoto.history.filter(id=photo.pk, history_change_reason=RESTORE_REASON).exists()


def test_restore_is_refused_when_a_new_town_took_the_slug(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    state = city.state
    entry = delete_in_admin(client, city)
    newcomer = City.objects.create(name="Stendal", slug=STENDAL, state=state)
    counts = (City.objects.count(), Membership.objects.count(), Person.objects.filter(city__isnull=True).count())

    response = client.post(restore_url(entry), follow=True)
    text = messages_of(response)
    assert "kann nicht wiederhergestellt werden" in text
    assert "Kürzel in der Adresse" in text and "Es wurde nichts geändert" in text
    assert (
        City.objects.count(),
        Membership.objects.count(),
        Person.objects.filter(city__isnull=True).count(),
    ) == counts
    assert not City.objects.filter(pk=city.pk).exists()
    assert City.objects.get(slug=STENDAL) == newcomer
    entry.refresh_from_db()
    assert entry.restored_at is None


def test_an_entry_is_restored_only_once(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    entry = delete_in_admin(client, Meeting.objects.get(slug="netzwerktreffen-sachsen-2025-q4"))
    assert client.post(restore_url(entry)).status_code == 302
    response = client.post(restore_url(entry), follow=True)
    assert "bereits wiederhergestellt" in messages_of(response)
    assert Meeting.objects.filter(slug="netzwerktreffen-sachsen-2025-q4").count() == 1


def test_restore_needs_a_post(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    entry = delete_in_admin(client, Meeting.objects.get(slug="netzwerktreffen-sachsen-2025-q4"))
    assert client.get(restore_url(entry)).status_code == 405
    assert not Meeting.objects.filter(slug="netzwerktreffen-sachsen-2025-q4").exists()


@pytest.mark.parametrize("username", ["koordination-stendal", "sprecherin-sachsen-anhalt", "redaktion-anhalt"])
def test_only_the_office_sees_and_restores_the_papierkorb(client, demo_users, username):
    office = signed_in(demo_users["programmbuero"])
    city = City.objects.get(slug=STENDAL)
    entry = delete_in_admin(office, city)
    client.force_login(demo_users[username])

    assert client.get(TRASH).status_code == 403
    assert client.get(admin_url(entry, "change", entry.pk)).status_code == 403
    assert "Papierkorb" not in page(client.get(reverse("admin:index"))).text
    assert client.post(restore_url(entry)).status_code == 403
    forged_action = client.post(TRASH, {"action": "restore_selected", ACTION_CHECKBOX_NAME: [entry.pk]})
    assert forged_action.status_code == 403
    assert not City.objects.filter(pk=city.pk).exists()
    entry.refresh_from_db()
    assert entry.restored_at is None


def test_a_meeting_deleted_by_a_spokesperson_lands_in_the_papierkorb(client, demo_users):
    meeting = Meeting.objects.get(slug="gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025")
    client.force_login(demo_users["sprecherin-sachsen-anhalt"])
    entry = delete_in_admin(client, meeting)
    assert entry.deleted_by == demo_users["sprecherin-sachsen-anhalt"]
    office = signed_in(demo_users["programmbuero"])
    assert office.post(restore_url(entry)).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).report.pk == meeting.report.pk


# --- emptying the Papierkorb -----------------------------------------------------------------------


def empty_trash(*args) -> str:
    out = io.StringIO()
    call_command("empty_trash", *args, stdout=out)
    return out.getvalue()


def deleted_days_ago(obj, days) -> DeletedEntry:
    entry = delete_with_snapshot(obj)
    DeletedEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=days))
    return entry


def test_empty_trash_removes_what_was_deleted_before_the_retention_and_keeps_the_rest(demo, settings):
    settings.TRASH_RETENTION_DAYS = 90
    old = deleted_days_ago(City.objects.get(slug=STENDAL), 91)
    recent = deleted_days_ago(Network.objects.get(slug="austausch-coburg-kronach"), 89)

    output = empty_trash()

    assert "1 Einträge aus dem Papierkorb gelöscht" in output and "Stendal" in output
    assert list(DeletedEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not DeletedEntry.objects.filter(pk=old.pk).exists()
    assert "Nichts zu tun" in empty_trash()
    assert "1 Einträge" in empty_trash("--days", "10")
    assert not DeletedEntry.objects.exists()


def test_a_dry_run_only_lists(demo):
    deleted_days_ago(City.objects.get(slug=STENDAL), 400)

    output = empty_trash("--dry-run")

    assert "würden gelöscht" in output and "Stendal" in output
    assert DeletedEntry.objects.count() == 1


def test_negative_days_are_refused_in_german(demo):
    with pytest.raises(CommandError, match="--days braucht eine Zahl ab 0"):
        empty_trash("--days", "-1")


def test_the_photos_of_an_expired_meeting_go_with_it_unless_something_still_refers_to_them(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reports = list(MeetingReport.objects.select_related("meeting").order_by("pk")[:3])
    photos = [
        MeetingPhoto.objects.create(
            report=report,
            image=SimpleUploadedFile("treffen.gif", TINY_GIF, content_type="image/gif"),
            alt_text="Gruppenbild",
            credit="Foto: Netzwerk",
        )
        for report in reports
    ]
    files = [tmp_path / photo.image.name for photo in photos]
    assert all(file.exists() for file in files)
    expired, restored, recent = (report.meeting for report in reports)
    deleted_days_ago(expired, 200)
    restore(deleted_days_ago(restored, 200))
    deleted_days_ago(recent, 5)

    output = empty_trash()

    assert "2 Einträge" in output and "1 Fotodateien gelöscht" in output
    assert [file.exists() for file in files] == [False, True, True]
    assert MeetingPhoto.objects.filter(pk=photos[1].pk).exists()
