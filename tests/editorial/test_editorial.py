"""The editorial area /redaktion/: who may do what, publishing, and concurrent edits.

Every write is also tried as a direct POST by those who must not make it; the
database is compared before and after, so a refused write provably changed nothing.
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from demo.synthetic import generate
from events.models import Meeting, MeetingPhoto, MeetingReport, ReportStatus
from networks.models import Network
from tests.pages import page
from tests.queries import request_cost

SACHSEN_ANHALT = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
OWN = "gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025"  # Sachsen-Anhalt, report published
FOREIGN = "netzwerktreffen-sachsen-weisswasser-2025"  # Engagierte Städte Sachsen, report published


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def create_autumn_meeting() -> Meeting:
    """A held meeting of the Saxony-Anhalt network without a report yet."""
    meeting = Meeting.objects.create(
        title="Landesnetzwerktreffen im Herbst",
        slug="landesnetzwerktreffen-herbst",
        status="held",
        starts_on=datetime.date(2025, 10, 8),
    )
    meeting.networks.add(Network.objects.get(slug=SACHSEN_ANHALT))
    return meeting


@pytest.fixture
def autumn_meeting(demo):
    return create_autumn_meeting()


def login(client, users, name):
    client.force_login(users[name])
    return client


def snapshot():
    """Every meeting, report and photo with all its values (and the meetings' networks)."""
    return (
        [(model_to_dict(m), sorted(m.networks.values_list("pk", flat=True))) for m in Meeting.objects.order_by("pk")],
        [model_to_dict(r) for r in MeetingReport.objects.order_by("pk")],
        [model_to_dict(p, exclude=["image", "thumbnail"]) for p in MeetingPhoto.objects.order_by("pk")],
    )


def report_data(report, **changes):
    data = {
        "lead": report.lead,
        "body": report.body,
        "outcomes": report.outcomes,
        "next_meeting_on": "",
        "next_meeting_precision": "day",
        "next_meeting_note": "",
        "seen_version": report.version,
        "action": "save",
    }
    return {**data, **changes}


def meeting_data(meeting, **changes):
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "format": meeting.format,
        "status": meeting.status,
        "starts_on": meeting.starts_on.isoformat() if meeting.starts_on else "",
        "date_precision": meeting.date_precision,
        "ends_on": "",
        "start_time": "",
        "end_time": "",
        "place_city": meeting.place_city_id or "",
        "place_text": meeting.place_text,
        "networks": [n.pk for n in meeting.networks.all()],
        "description": meeting.description,
        "topics": meeting.topics,
        "seen_version": meeting.version,
    }
    return {**data, **changes}


def writes(slug):
    """Every write of the area aimed at one meeting: (url, POST data)."""
    meeting = Meeting.objects.get(slug=slug)
    report = meeting.report
    photo = MeetingPhoto.objects.create(
        report=report, image="berichte/2025/alt.jpg", alt_text="Gruppe", credit="Foto: X"
    )
    return [
        (reverse("editorial:meeting_edit", args=[slug]), meeting_data(meeting, title="Überschrieben")),
        (reverse("editorial:report", args=[slug]), report_data(report, body="Überschrieben")),
        (reverse("editorial:report", args=[slug]), report_data(report, action="unpublish")),
        (reverse("editorial:photo_add", args=[slug]), {"alt_text": "a", "credit": "b"}),
        (reverse("editorial:photo_delete", args=[slug, photo.pk]), {}),
        (
            reverse("editorial:meeting_new"),
            meeting_data(meeting, title="Neu", networks=[meeting.networks.first().pk]),
        ),
    ]


def pages(slug):
    return [
        reverse("editorial:home"),
        reverse("editorial:meeting_new"),
        reverse("editorial:meeting_edit", args=[slug]),
        reverse("editorial:report", args=[slug]),
    ]


# --- who may enter -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_and_their_posts_change_nothing(client, demo_users):
    targets = writes(OWN)
    before = snapshot()
    for url in pages(OWN):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/anmelden/?next="), url
    for url, data in [*targets, (reverse("editorial:preview", args=[OWN]), {"body": "x"})]:
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/anmelden/"), url
    assert snapshot() == before


def test_a_coordinator_who_speaks_for_no_network_is_refused_with_the_german_403_page(client, demo_users):
    login(client, demo_users, "koordination-stendal")
    targets = writes(OWN)
    before = snapshot()
    for url in pages(OWN):
        response = client.get(url)
        assert response.status_code == 403, url
    assert "Dafür fehlt Ihnen die Berechtigung" in page(response).one("h1").text
    for url, data in [*targets, (reverse("editorial:preview", args=[OWN]), {"body": "x"})]:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


@pytest.mark.parametrize("username", ["sprecherin-sachsen-anhalt", "redaktion-anhalt"])
def test_spokespersons_cannot_read_or_write_meetings_of_other_networks(client, demo_users, username):
    login(client, demo_users, username)
    slug = FOREIGN if username == "sprecherin-sachsen-anhalt" else OWN
    targets = writes(slug)[:-1]  # the last is the form for new meetings, tried below
    before = snapshot()
    for url in pages(slug)[2:]:
        assert client.get(url).status_code == 403, url
    for url, data in [*targets, (reverse("editorial:preview", args=[slug]), {"body": "x"})]:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_a_new_meeting_cannot_be_filed_under_another_network(client, demo_users):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    foreign = Meeting.objects.get(slug=FOREIGN)
    before = snapshot()

    response = client.post(reverse("editorial:meeting_new"), meeting_data(foreign, title="Unterwandert"))

    assert response.status_code == 200
    assert page(response).find(class_="errorlist") is not None
    assert snapshot() == before


def test_the_overview_lists_only_the_meetings_of_the_users_networks(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")

    body = page(client.get("/redaktion/"))

    links = body.find("main").links()
    assert f"/redaktion/treffen/{OWN}/bericht/" in links
    assert "/redaktion/treffen/landesnetzwerktreffen-herbst/bericht/" in links
    assert not any(FOREIGN in link for link in links)
    items = {
        item.find("h3").text: item.find(class_="editorial-item-status").text
        for item in body.find_all("li", class_="editorial-item")
    }
    assert items["Landesnetzwerktreffen im Herbst"] == "kein Bericht"
    assert items["Gründungstreffen des Landesnetzwerks Engagierte Städte Sachsen-Anhalt"] == "Bericht veröffentlicht"
    assert body.find("a", href="/redaktion/neues-treffen/").text == "Neues Treffen"


def test_the_office_may_edit_every_meeting(client, demo_users):
    login(client, demo_users, "programmbuero")
    meeting = Meeting.objects.get(slug=FOREIGN)

    response = client.post(
        reverse("editorial:meeting_edit", args=[FOREIGN]), meeting_data(meeting, topics="Neues Thema")
    )

    assert response.status_code == 302
    assert Meeting.objects.get(slug=FOREIGN).topics == "Neues Thema"


@pytest.mark.parametrize(
    ("username", "shown"),
    [("sprecherin-sachsen-anhalt", True), ("programmbuero", True), ("koordination-stendal", False), (None, False)],
)
def test_the_header_links_to_the_editorial_area_only_for_those_who_may_use_it(client, demo_users, username, shown):
    if username:
        login(client, demo_users, username)
    nav = page(client.get("/")).one("nav", **{"aria-label": "Hauptnavigation"})
    assert ("/redaktion/" in nav.links()) is shown


# --- meetings ------------------------------------------------------------------------------------


def test_a_spokesperson_files_a_new_meeting_and_is_sent_on_to_its_report(client, demo_users):
    Meeting.objects.create(title="Frühjahrstreffen 2026", slug="fruehjahrstreffen-2026")
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    network = Network.objects.get(slug=SACHSEN_ANHALT)
    form = page(client.get("/redaktion/neues-treffen/"))
    offered = {int(box.get("value")) for box in form.find_all("input", type="checkbox", name="networks")}
    assert offered == {network.pk}

    response = client.post(
        "/redaktion/neues-treffen/",
        {
            "title": "Frühjahrstreffen 2026",  # the slug is taken
            "kind": "network_meeting",
            "format": "hybrid",
            "status": "planned",
            "starts_on": "2026-05-12",
            "date_precision": "day",
            "start_time": "10:00",
            "end_time": "15:30",
            "place_text": "Rathaus, Ratssaal",
            "networks": [network.pk],
        },
    )

    meeting = Meeting.objects.get(starts_on=datetime.date(2026, 5, 12))
    assert meeting.slug == "fruehjahrstreffen-2026-2"
    assert response["Location"] == f"/redaktion/treffen/{meeting.slug}/bericht/"
    assert list(meeting.networks.all()) == [network]
    assert meeting.start_time == datetime.time(10, 0)
    assert meeting.history.first().history_user == demo_users["sprecherin-sachsen-anhalt"]


def test_a_meeting_without_any_network_is_refused(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    before = snapshot()

    response = client.post(
        reverse("editorial:meeting_edit", args=[autumn_meeting.slug]), meeting_data(autumn_meeting, networks=[])
    )

    assert "mindestens ein Netzwerk" in page(response).one(class_="errorlist").text
    assert snapshot() == before


def test_editing_a_joint_meeting_keeps_the_other_networks(client, demo_users, autumn_meeting):
    saxony = Network.objects.get(slug="engagierte-staedte-sachsen")
    autumn_meeting.networks.add(saxony)
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    own = Network.objects.get(slug=SACHSEN_ANHALT)

    response = client.post(
        reverse("editorial:meeting_edit", args=[autumn_meeting.slug]),
        meeting_data(autumn_meeting, networks=[own.pk], title="Gemeinsames Treffen"),
    )

    assert response.status_code == 302
    autumn_meeting.refresh_from_db()
    assert autumn_meeting.title == "Gemeinsames Treffen"
    assert set(autumn_meeting.networks.all()) == {own, saxony}


# --- the report ----------------------------------------------------------------------------------


def public_pages(client):
    return {
        "meeting": page(client.get("/treffen/landesnetzwerktreffen-herbst/")),
        "network": page(client.get(f"/netzwerke/{SACHSEN_ANHALT}/")),
        "home": page(client.get("/")),
        "feed": client.get("/berichte/feed/").content.decode(),
        "network feed": client.get(f"/netzwerke/{SACHSEN_ANHALT}/berichte/feed/").content.decode(),
    }


def shows_report(pages) -> dict[str, bool]:
    return {
        "meeting": "Herbstbericht in Stichworten" in pages["meeting"].text,
        "network": "/treffen/landesnetzwerktreffen-herbst/" in pages["network"].section("berichte").links()
        if pages["network"].find("section", **{"aria-labelledby": "berichte"})
        else False,
        "home": "/treffen/landesnetzwerktreffen-herbst/" in pages["home"].section("berichte").links(),
        "feed": "Herbstbericht in Stichworten" in pages["feed"],
        "network feed": "Herbstbericht in Stichworten" in pages["network feed"],
    }


def test_a_draft_stays_private_and_publishing_shows_it_everywhere_at_once(client, demo_users, autumn_meeting):
    editor = login(client, demo_users, "sprecherin-sachsen-anhalt")
    url = reverse("editorial:report", args=[autumn_meeting.slug])
    draft = {
        **report_data(MeetingReport(), body="**Herbstbericht in Stichworten**", lead="Kurz gesagt"),
        "seen_version": "",
    }

    assert editor.post(url, draft)["Location"] == url
    report = MeetingReport.objects.get(meeting=autumn_meeting)
    assert report.status == ReportStatus.DRAFT
    assert report.author.user == demo_users["sprecherin-sachsen-anhalt"]
    editor.logout()
    assert set(shows_report(public_pages(client)).values()) == {False}

    login(client, demo_users, "sprecherin-sachsen-anhalt")
    response = client.post(url, report_data(report, action="publish"))
    assert response.status_code == 302
    assert "veröffentlicht" in page(client.get(url)).one(class_="flash-messages").text
    client.logout()
    assert shows_report(public_pages(client)) == dict.fromkeys(
        ["meeting", "network", "home", "feed", "network feed"], True
    )

    login(client, demo_users, "sprecherin-sachsen-anhalt")
    report.refresh_from_db()
    client.post(url, report_data(report, action="unpublish"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.published_at is None
    client.logout()
    assert set(shows_report(public_pages(client)).values()) == {False}


def test_publishing_without_text_gives_a_german_error_and_keeps_the_draft(client, demo_users, autumn_meeting):
    report = MeetingReport.objects.create(meeting=autumn_meeting, lead="Nur ein Vorspann")
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    before = snapshot()

    response = client.post(
        reverse("editorial:report", args=[autumn_meeting.slug]), report_data(report, body="  ", action="publish")
    )

    assert response.status_code == 200
    body = page(response)
    assert "Ein Bericht kann nur mit Text veröffentlicht werden." in body.one(class_="errorlist").text
    assert body.find("button", value="publish") is not None  # still offered as a draft
    assert snapshot() == before


def test_an_unknown_action_is_refused(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    response = client.post(reverse("editorial:report", args=[autumn_meeting.slug]), {"body": "x", "action": "delete"})
    assert response.status_code == 400
    assert not MeetingReport.objects.filter(meeting=autumn_meeting).exists()


# --- concurrent edits ----------------------------------------------------------------------------


def test_the_second_of_two_report_edits_is_refused_and_names_what_changed(client, demo_users):
    report = Meeting.objects.get(slug=OWN).report
    opened_by_both = report_data(report)  # both forms rendered at the same version
    url = reverse("editorial:report", args=[OWN])

    login(client, demo_users, "programmbuero")
    assert client.post(url, {**opened_by_both, "lead": "Vorspann der ersten Person"}).status_code == 302
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    response = client.post(url, {**opened_by_both, "body": "Text der zweiten Person"})

    assert response.status_code == 200
    message = page(response).one(class_="form-errors").text
    assert "Ihre Änderungen wurden nicht gespeichert" in message
    assert "Vorspann: „" in message and "Vorspann der ersten Person" in message
    report.refresh_from_db()
    assert report.lead == "Vorspann der ersten Person"
    assert report.body != "Text der zweiten Person"


def test_the_second_of_two_meeting_edits_is_refused_and_names_what_changed(client, demo_users, autumn_meeting):
    opened_by_both = meeting_data(autumn_meeting)
    url = reverse("editorial:meeting_edit", args=[autumn_meeting.slug])

    login(client, demo_users, "redaktion-anhalt")  # not entitled: refused, and no version used up
    assert client.post(url, {**opened_by_both, "title": "Fremd"}).status_code == 403
    login(client, demo_users, "programmbuero")
    assert client.post(url, {**opened_by_both, "place_text": "Landtag, Magdeburg"}).status_code == 302
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    response = client.post(url, {**opened_by_both, "title": "Titel der zweiten Person"})

    message = page(response).one(class_="form-errors").text
    assert "Ort (Freitext)" in message and "Landtag, Magdeburg" in message
    autumn_meeting.refresh_from_db()
    assert autumn_meeting.place_text == "Landtag, Magdeburg"
    assert autumn_meeting.title == "Landesnetzwerktreffen im Herbst"


# --- the preview ---------------------------------------------------------------------------------


def test_the_preview_renders_markdown_through_the_sanitiser(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    body = (
        "## Ergebnisse\n\n- **eins**\n- zwei\n\n<script>alert(1)</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n[klick](javascript:alert(1))"
    )

    response = client.post(
        reverse("editorial:preview", args=[autumn_meeting.slug]),
        {"lead": "Vorspann <b>fett</b>", "body": body, "outcomes": "Erstens\nZweitens"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    fragment = page(response)
    assert fragment.find("html") is None  # only the fragment
    assert fragment.one("h2").text == "Ergebnisse"
    assert [li.text for li in fragment.find("ul").find_all("li")] == ["eins", "zwei"]
    assert fragment.find("script") is None and fragment.find("img") is None
    assert all(not (link.get("href") or "").startswith("javascript") for link in fragment.find_all("a"))
    assert fragment.one(class_="report-lead").text == "Vorspann <b>fett</b>"  # plain text, escaped
    assert [li.text for li in fragment.one("ul", class_="outcomes").find_all("li")] == ["Erstens", "Zweitens"]


def test_the_preview_is_wired_to_the_editor_with_htmx(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    form = page(client.get(reverse("editorial:report", args=[autumn_meeting.slug]))).one("form", id="bericht")
    assert form.get("hx-post") == reverse("editorial:preview", args=[autumn_meeting.slug])
    assert form.get("hx-trigger") == "input changed delay:400ms"
    assert form.get("action") == reverse("editorial:report", args=[autumn_meeting.slug])


def test_the_preview_takes_only_posts(client, demo_users, autumn_meeting):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    assert client.get(reverse("editorial:preview", args=[autumn_meeting.slug])).status_code == 405


# --- query budget --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["programmbuero", "sprecherin-sachsen-anhalt"])
def test_the_editorial_pages_need_the_same_number_of_queries_with_ten_times_the_data(client, demo_users, username):
    login(client, demo_users, username)
    meeting = Meeting.objects.get(slug=OWN)
    # Both lists non-empty from the start, so that both measurements run the same prefetches.
    Meeting.objects.create(title="Bald", starts_on=datetime.date(2030, 1, 1)).networks.add(
        Network.objects.get(slug=SACHSEN_ANHALT)
    )
    MeetingPhoto.objects.create(report=meeting.report, image="berichte/2025/a.jpg", alt_text="Gruppe", credit="X")
    urls = [
        "/redaktion/",
        "/redaktion/neues-treffen/",
        f"/redaktion/treffen/{OWN}/",
        f"/redaktion/treffen/{OWN}/bericht/",
    ]
    small = [request_cost(client, url).queries for url in urls]
    generate(10)
    for number in range(5):
        MeetingPhoto.objects.create(
            report=meeting.report, image=f"berichte/2025/{number}.jpg", alt_text="G", credit="X"
        )
    Meeting.objects.create(title="Noch eins", starts_on=datetime.date(2030, 1, 1)).networks.add(
        Network.objects.get(slug=SACHSEN_ANHALT)
    )
    large = [request_cost(client, url).queries for url in urls]

    print(f"\n{username}: {dict(zip(urls, small, strict=True))} -> {large}")
    assert large == small


def test_past_meetings_still_planned_and_without_report_ask_their_editors_to_record_them(client, demo_users):
    login(client, demo_users, "programmbuero")
    section = page(client.get("/redaktion/")).section("nachtragen")

    assert "/redaktion/treffen/netzwerktreffen-sachsen-2025-q4/" in " ".join(section.links())
    assert "Bitte nachtragen" in section.text


def test_a_spokesperson_is_not_asked_to_record_other_networks_meetings(client, demo_users):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    body = page(client.get("/redaktion/"))

    section = body.find("section", **{"aria-labelledby": "nachtragen"})
    assert section is None or "netzwerktreffen-sachsen-2025-q4" not in " ".join(section.links())


def test_a_new_meeting_of_a_spokesperson_with_one_network_has_it_ticked(client, demo_users):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    form = page(client.get(reverse("editorial:meeting_new"))).one("form", class_="editorial-form")
    boxes = [box for box in form.find_all("input", type="checkbox") if box.get("name") == "networks"]

    assert len(boxes) == 1  # she speaks for one network only
    assert "checked" in boxes[0].attrs
    assert boxes[0].get("value") == str(Network.objects.get(slug=SACHSEN_ANHALT).pk)


def test_editing_a_published_report_says_that_saving_publishes_at_once(client, demo_users):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    root = page(client.get(f"/redaktion/treffen/{OWN}/bericht/"))

    assert "Gespeicherte Änderungen erscheinen sofort" in root.one("main").text
    assert root.find("button", value="save").text == "Änderungen speichern und sofort veröffentlichen"


@pytest.mark.parametrize(
    "forged",
    [
        {"networks": ["99999999999999999999"]},
        {"networks": ["abc"]},
        {"place_city": "99999999999999999999"},
        {"place_city": "1.5"},
    ],
)
def test_a_forged_key_in_the_meeting_form_is_a_form_error(client, demo_users, forged):
    login(client, demo_users, "sprecherin-sachsen-anhalt")
    meeting = Meeting.objects.get(slug=OWN)
    before = snapshot()

    response = client.post(reverse("editorial:meeting_edit", args=[OWN]), meeting_data(meeting, **forged))

    assert response.status_code == 200
    assert "gültige Auswahl" in response.content.decode() or "ist kein gültiger Wert" in response.content.decode()
    assert snapshot() == before
