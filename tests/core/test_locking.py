"""Optimistic locking: of two people editing the same town, network, meeting or report, the second is refused.

Both open the change form of the same version; the first save wins, the second gets a
German message naming what changed meanwhile (field, old → new) and nothing is overwritten.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import City
from core.locking import StaleEditError, VersionedFormMixin, stale_message
from events.models import Meeting, MeetingReport
from networks.models import Network
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

STENDAL = "stendal"
MEETING = "gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025"
NETWORK = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"


def admin_change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def admin_form(response):
    """The main form of an admin change (or history) page."""
    assert response.status_code == 200, response.status_code
    forms = [form for form in page(response).find_all("form") if (form.get("id") or "").endswith("_form")]
    assert len(forms) == 1, [form.get("id") for form in forms]
    return forms[0]


def open_change_form(client, obj) -> dict:
    return form_data(admin_form(client.get(admin_change_url(obj))))


def error_text(response) -> str:
    return page(response).text


# --- the model ---------------------------------------------------------------------------------


def test_second_save_of_a_stale_copy_raises_and_keeps_the_first(demo):
    first = City.objects.get(slug=STENDAL)
    second = City.objects.get(slug=STENDAL)
    first.description = "Erste Fassung"
    first.save()
    second.description = "Zweite Fassung"
    with pytest.raises(StaleEditError):
        second.save()
    stored = City.objects.get(slug=STENDAL)
    assert stored.description == "Erste Fassung"
    assert stored.version == first.version == 2


def test_saving_a_deleted_row_raises(demo):
    meeting = Meeting.objects.get(slug=MEETING)
    Meeting.objects.filter(pk=meeting.pk).delete()
    meeting.title = "Neu"
    with pytest.raises(StaleEditError):
        meeting.save()


def test_partial_saves_of_derived_columns_neither_check_nor_raise_the_version(demo):
    city = City.objects.get(slug=STENDAL)
    City.objects.get(pk=city.pk).save()
    city.save(update_fields=["search_text"])
    assert City.objects.get(pk=city.pk).version == 2


def test_the_message_names_the_field_old_and_new_value_and_the_author(demo_users):
    city = City.objects.get(slug=STENDAL)
    seen = city.version
    other = City.objects.get(pk=city.pk)
    other.kind = "municipality"
    other.description = "Neu beschrieben"
    other._history_user = demo_users["programmbuero"]
    other.save()
    message = stale_message(city, seen)
    assert "inzwischen von Paula Programmbüro geändert" in message
    assert "Art: „Stadt“ → „Gemeinde“" in message
    assert "Kurzbeschreibung: „" in message and "→ „Neu beschrieben“" in message
    assert "nicht gespeichert" in message


def test_the_message_for_a_deleted_entry(demo):
    city = City.objects.get(slug=STENDAL)
    City.objects.filter(pk=city.pk).delete()
    assert stale_message(city, city.version).startswith("Dieser Eintrag wurde inzwischen gelöscht.")


# --- the admin: two people, one entry ----------------------------------------------------------

CASES = {
    # model, lookup, field, its label, who opens first, who second
    "city": (City, {"slug": STENDAL}, "description", "Kurzbeschreibung", "programmbuero", "koordination-stendal"),
    "network": (Network, {"slug": NETWORK}, "description", "Beschreibung", "programmbuero", "superuser"),
    "meeting": (
        Meeting,
        {"slug": MEETING},
        "description",
        "Beschreibung",
        "sprecherin-sachsen-anhalt",
        "programmbuero",
    ),
    "report": (
        MeetingReport,
        {"meeting__slug": MEETING},
        "lead",
        "Vorspann",
        "programmbuero",
        "sprecherin-sachsen-anhalt",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_admin_refuses_the_second_of_two_concurrent_edits(demo_users, admin_user, case):
    model, lookup, field, label, first_name, second_name = CASES[case]
    users = {**demo_users, "superuser": admin_user}
    obj = model.objects.get(**lookup)
    first, second = signed_in(users[first_name]), signed_in(users[second_name])

    first_data = open_change_form(first, obj)
    second_data = open_change_form(second, obj)
    assert first_data["seen_version"] == second_data["seen_version"] == [str(obj.version)]

    first_data[field] = ["Erste Fassung"]
    response = first.post(admin_change_url(obj), first_data)
    assert response.status_code == 302, error_text(response)

    second_data[field] = ["Zweite Fassung"]
    response = second.post(admin_change_url(obj), second_data)
    assert response.status_code == 200
    text = error_text(response)
    assert "Dieser Eintrag wurde inzwischen von" in text
    assert "Ihre Änderungen wurden nicht gespeichert" in text
    assert f"{label}: „" in text and "→ „Erste Fassung“" in text

    stored = model.objects.get(pk=obj.pk)
    assert getattr(stored, field) == "Erste Fassung"
    assert stored.version == obj.version + 1


def test_the_same_person_with_two_tabs_is_refused_too(client, demo_users):
    city = City.objects.get(slug=STENDAL)
    client.force_login(demo_users["programmbuero"])
    tab_one, tab_two = open_change_form(client, city), open_change_form(client, city)
    tab_one["website"] = ["https://www.stendal.de/engagiert"]
    assert client.post(admin_change_url(city), tab_one).status_code == 302
    tab_two["population"] = ["40000"]
    response = client.post(admin_change_url(city), tab_two)
    assert response.status_code == 200
    assert "Website: „" in error_text(response)
    stored = City.objects.get(pk=city.pk)
    assert stored.website == "https://www.stendal.de/engagiert"
    assert stored.population != 40000


def test_a_form_without_the_version_is_refused(client, demo_users):
    city = City.objects.get(slug=STENDAL)
    client.force_login(demo_users["programmbuero"])
    data = open_change_form(client, city)
    del data["seen_version"]
    data["description"] = ["Ohne Version"]
    response = client.post(admin_change_url(city), data)
    assert response.status_code == 200
    assert "Die Versionsangabe fehlt" in error_text(response)
    assert City.objects.get(pk=city.pk).description != "Ohne Version"


def test_race_between_check_and_save_shows_the_message_without_an_error_page(client, demo_users, monkeypatch):
    """Someone saves between the form's check and the save: the conditional UPDATE refuses, the admin explains.

    The other save is committed before the request; the form's check is made to pass as if it had
    run before that save, with the row as loaded then.
    """
    city = City.objects.get(slug=STENDAL)
    client.force_login(demo_users["koordination-stendal"])
    data = open_change_form(client, city)
    meanwhile = City.objects.get(pk=city.pk)
    meanwhile.description = "Dazwischen gespeichert"
    meanwhile._history_user = demo_users["programmbuero"]
    meanwhile.save()

    def check_passed_before_the_other_save(form):
        cleaned = super(VersionedFormMixin, form).clean()
        form.instance.version = cleaned["seen_version"]
        return cleaned

    monkeypatch.setattr(VersionedFormMixin, "clean", check_passed_before_the_other_save)
    data["description"] = ["Zu spät"]
    response = client.post(admin_change_url(city), data)
    assert response.status_code == 302
    assert response["Location"] == admin_change_url(city)
    monkeypatch.undo()

    text = error_text(client.get(response["Location"]))
    assert "Dieser Eintrag wurde inzwischen von Paula Programmbüro geändert" in text
    assert "→ „Dazwischen gespeichert“" in text
    stored = City.objects.get(pk=city.pk)
    assert stored.description == "Dazwischen gespeichert"
    assert stored.version == city.version + 1


def test_report_edited_in_the_meeting_inline_is_locked_too(demo_users):
    meeting = Meeting.objects.get(slug=MEETING)
    report = meeting.report
    spokesperson = signed_in(demo_users["sprecherin-sachsen-anhalt"])
    office = signed_in(demo_users["programmbuero"])

    meeting_form = open_change_form(spokesperson, meeting)
    assert meeting_form["report-0-seen_version"] == [str(report.version)]
    report_form = open_change_form(office, report)
    report_form["lead"] = ["Vom Programmbüro gekürzt"]
    assert office.post(admin_change_url(report), report_form).status_code == 302

    meeting_form["report-0-lead"] = ["Von der Sprecherin ergänzt"]
    response = spokesperson.post(admin_change_url(meeting), meeting_form)
    assert response.status_code == 200
    assert "Vorspann: „" in error_text(response) and "→ „Vom Programmbüro gekürzt“" in error_text(response)
    assert MeetingReport.objects.get(pk=report.pk).lead == "Vom Programmbüro gekürzt"


def test_stale_inline_report_blocks_the_meeting_form_that_would_write_it_back(demo_users):
    """The inline still holds the old report text: saving the meeting form would restore it unnoticed."""
    meeting = Meeting.objects.get(slug=MEETING)
    report = meeting.report
    spokesperson = signed_in(demo_users["sprecherin-sachsen-anhalt"])
    office = signed_in(demo_users["programmbuero"])

    meeting_form = open_change_form(spokesperson, meeting)
    report_form = open_change_form(office, report)
    report_form["lead"] = ["Vom Programmbüro gekürzt"]
    assert office.post(admin_change_url(report), report_form).status_code == 302

    meeting_form["attendee_count"] = ["42"]
    response = spokesperson.post(admin_change_url(meeting), meeting_form)
    assert response.status_code == 200
    assert "→ „Vom Programmbüro gekürzt“" in error_text(response)
    assert Meeting.objects.get(pk=meeting.pk).attendee_count != 42
    assert MeetingReport.objects.get(pk=report.pk).lead == "Vom Programmbüro gekürzt"


def test_inline_report_left_as_it_is_saves_without_a_new_version(demo_users):
    meeting = Meeting.objects.get(slug=MEETING)
    report = meeting.report
    client = signed_in(demo_users["sprecherin-sachsen-anhalt"])
    data = open_change_form(client, meeting)
    data["attendee_count"] = ["42"]
    response = client.post(admin_change_url(meeting), data)
    assert response.status_code == 302, error_text(response)
    assert Meeting.objects.get(pk=meeting.pk).attendee_count == 42
    assert MeetingReport.objects.get(pk=report.pk).version == report.version
