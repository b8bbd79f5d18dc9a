"""The open-data API under /api/ (public/api/base.py and the apps' api.py), with the demo data."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from cities.models import City, Person
from core.trash import delete_with_snapshot, restore
from demo.synthetic import generate
from events.actions import publish_report, withdraw_report
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import Membership, Network, StatePartnership
from public.filters.meetings import MeetingFilterSet
from public.filters.networks import NetworkFilterSet
from public.filters.towns import CityFilterSet
from tests.queries import request_cost

pytestmark = pytest.mark.django_db

API = "http://testserver/api"


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def all_items(client, url):
    """Every object of a list, following its next links."""
    items = []
    while url:
        page = get(client, url)
        items += page["data"]
        url = page["links"]["next"]
    return items


def ids(items):
    return [item["id"] for item in items]


# --- objects and the envelope --------------------------------------------------------------------


def test_the_index_links_every_list(client, demo):
    index = get(client, "/api/")

    assert index["id"] == f"{API}/"
    for key in ("towns", "organizations", "networks", "memberships", "statePartnerships", "meetings", "reports"):
        assert get(client, index[key])["pagination"]["totalElements"] > 0


@pytest.mark.parametrize(
    ("collection", "type_name"),
    [
        ("towns", "Town"),
        ("organizations", "Organization"),
        ("networks", "Network"),
        ("memberships", "Membership"),
        ("state-partnerships", "StatePartnership"),
        ("meetings", "Meeting"),
        ("reports", "MeetingReport"),
    ],
)
def test_every_object_has_its_url_as_id_a_type_and_timestamps(client, demo, collection, type_name):
    page = get(client, f"/api/{collection}/")

    assert page["data"]
    for item in page["data"]:
        assert item["id"].startswith(f"{API}/{collection}/")
        assert item["type"] == type_name and item["deleted"] is False
        assert datetime.datetime.fromisoformat(item["created"]) <= datetime.datetime.fromisoformat(item["modified"])
    first = page["data"][0]
    assert get(client, first["id"]) == first


def test_a_town_carries_ags_location_state_and_networks_as_links(client, demo):
    wittenberg = City.objects.get(slug="wittenberg")

    town = get(client, f"/api/towns/{wittenberg.pk}/")

    assert town["name"] == "Lutherstadt Wittenberg"
    assert town["state"]["slug"] == "sachsen-anhalt"
    assert town["location"]["geometry"]["type"] == "Point"
    assert town["location"]["geometry"]["coordinates"] == [float(wittenberg.longitude), float(wittenberg.latitude)]
    assert town["web"] == "http://testserver/staedte/wittenberg/"
    assert town["networks"] and all(url.startswith(f"{API}/networks/") for url in town["networks"])
    for url in town["memberships"]:
        membership = get(client, url)
        assert membership["town"] == town["id"] and membership["network"] in town["networks"]


def test_a_meeting_links_its_networks_and_its_published_report(client, demo):
    meeting = Meeting.objects.get(slug="netzwerktreffen-sachsen-weisswasser-2025")

    data = get(client, f"/api/meetings/{meeting.pk}/")

    assert set(data["organization"]) == {f"{API}/networks/{n.pk}/" for n in meeting.networks.all()}
    report = get(client, data["resultsProtocol"])
    assert report["meeting"] == data["id"] and report["body"]


def test_a_report_carries_its_body_as_the_site_shows_it_sanitised(client, demo):
    report = MeetingReport.objects.published().first()
    MeetingReport.objects.filter(pk=report.pk).update(
        body="**Wichtig:** <script>alert(1)</script> [Programm](https://www.engagiertestadt.de/)"
    )

    data = get(client, f"/api/reports/{report.pk}/")

    assert data["body"].startswith("**Wichtig:**")  # as written
    assert "<strong>Wichtig:</strong>" in data["bodyHtml"]
    assert "<script" not in data["bodyHtml"]
    assert 'href="https://www.engagiertestadt.de/"' in data["bodyHtml"]


# --- pagination ----------------------------------------------------------------------------------


def test_pagination_counts_and_links(client, demo):
    total = City.objects.active().count()

    first = get(client, "/api/towns/?limit=5")
    last_number = -(-total // 5)

    assert first["pagination"] == {
        "totalElements": total,
        "elementsPerPage": 5,
        "currentPage": 1,
        "totalPages": last_number,
    }
    assert first["links"]["prev"] is None
    assert first["links"]["self"] == f"{API}/towns/?limit=5&page=1"
    assert first["links"]["next"] == f"{API}/towns/?limit=5&page=2"
    assert first["links"]["last"] == f"{API}/towns/?limit=5&page={last_number}"
    last = get(client, first["links"]["last"])
    assert last["links"]["next"] is None
    assert last["links"]["prev"] == f"{API}/towns/?limit=5&page={last_number - 1}"
    assert len(last["data"]) == total - 5 * (last_number - 1)


def test_pages_keep_filters_in_their_links(client, demo):
    page = get(client, "/api/towns/?land=sachsen-anhalt&limit=3")

    assert page["links"]["next"] == f"{API}/towns/?land=sachsen-anhalt&limit=3&page=2"


def test_the_order_is_stable_and_pages_neither_skip_nor_repeat(client, demo):
    paged = ids(all_items(client, "/api/memberships/?limit=7"))

    assert paged == ids(all_items(client, "/api/memberships/?limit=100"))
    assert len(paged) == Membership.objects.count()
    assert len(paged) == len(set(paged))
    numbers = [int(url.rstrip("/").rsplit("/", 1)[1]) for url in paged]
    assert numbers == sorted(numbers)


def test_a_page_past_the_end_is_not_found(client, demo):
    body = get(client, "/api/towns/?page=999", status=404)

    assert body["error"] == "not_found" and body["parameter"] == "page"


# --- modified_since, created_since and deleted objects -------------------------------------------


def test_modified_since_lists_only_what_changed_since(client, demo):
    before = timezone.now()
    stendal = City.objects.get(slug="stendal")
    stendal.description = "Neu beschrieben."
    stendal.save()

    page = get(client, "/api/towns/?" + QueryDict.fromkeys(["modified_since"], before.isoformat()).urlencode())

    assert ids(page["data"]) == [f"{API}/towns/{stendal.pk}/"]


def test_created_since_lists_only_new_objects(client, demo):
    since = QueryDict.fromkeys(["created_since"], timezone.now().isoformat()).urlencode()
    assert get(client, f"/api/networks/?{since}")["data"] == []

    network = Network.objects.create(name="Neues Themennetzwerk", kind="thematic")

    assert ids(get(client, f"/api/networks/?{since}")["data"]) == [f"{API}/networks/{network.pk}/"]


def test_a_deleted_town_answers_deleted_at_its_url_and_in_lists_since_its_deletion(client, demo):
    before = QueryDict.fromkeys(["modified_since"], timezone.now().isoformat()).urlencode()
    town = City.objects.get(slug="stendal")
    url = f"{API}/towns/{town.pk}/"
    membership_urls = get(client, url)["memberships"]

    entry = delete_with_snapshot(town)

    stub = get(client, url)
    assert stub["id"] == url and stub["type"] == "Town" and stub["deleted"] is True
    assert datetime.datetime.fromisoformat(stub["modified"]) >= entry.deleted_at - datetime.timedelta(seconds=1)
    assert url not in ids(all_items(client, "/api/towns/?limit=100"))
    changed = get(client, f"/api/towns/?{before}")["data"]
    assert [item for item in changed if item["id"] == url] == [stub]
    # Its memberships went with it, and say so too.
    assert all(get(client, membership)["deleted"] is True for membership in membership_urls)
    later = QueryDict.fromkeys(["modified_since"], timezone.now().isoformat()).urlencode()
    assert get(client, f"/api/towns/?{later}")["data"] == []

    restore(entry)

    assert get(client, url)["deleted"] is False
    assert get(client, f"/api/towns/?{before}")["data"][0]["deleted"] is False


def test_deleted_objects_follow_the_live_ones_across_pages(client, demo):
    since = QueryDict.fromkeys(
        ["modified_since"], (timezone.now() - datetime.timedelta(days=1)).isoformat()
    ).urlencode()
    victims = list(Meeting.objects.order_by("pk")[:3])
    deleted = [f"{API}/meetings/{meeting.pk}/" for meeting in victims]
    for meeting in victims:
        delete_with_snapshot(meeting)

    items = all_items(client, f"/api/meetings/?{since}&limit=4")

    assert len(items) == Meeting.objects.count() + 3
    assert [item["id"] for item in items if item["deleted"]] == deleted
    assert items[-3:] == [item for item in items if item["deleted"]]
    assert len(set(ids(items))) == len(items)


def test_an_address_that_never_existed_is_a_json_404(client, demo):
    assert get(client, "/api/towns/999999/", status=404)["error"] == "not_found"
    assert get(client, "/api/gibt-es-nicht/", status=404)["error"] == "not_found"


# --- filters as in the HTML directory ------------------------------------------------------------

TOWN_FILTERS = [
    "land=sachsen-anhalt",
    "land=sachsen&land=bayern",
    "netzwerk=landesnetzwerk-engagierte-staedte-sachsen-anhalt",
    "art=tandem",
    "seit_von=2021&seit_bis=2024",
    "groesse=20-50&land=sachsen-anhalt",
    "laenderpartner=on",
    "q=witt",
    "koordination=municipality",
]


@pytest.mark.parametrize("query", TOWN_FILTERS)
def test_town_filters_find_the_same_towns_as_the_directory(client, demo, query):
    directory = CityFilterSet(QueryDict(query), queryset=City.objects.active()).qs
    expected = {f"{API}/towns/{pk}/" for pk in directory.values_list("pk", flat=True)}

    found = set(ids(all_items(client, f"/api/towns/?{query}&limit=100")))

    assert found == expected


def test_the_directory_html_lists_the_same_towns(client, demo):
    html = client.get("/staedte/?land=sachsen-anhalt&groesse=20-50").content.decode()
    towns = all_items(client, "/api/towns/?land=sachsen-anhalt&groesse=20-50")

    assert towns
    for town in towns:
        assert town["web"].removeprefix("http://testserver") in html


def test_sorting_as_on_the_site_then_by_id(client, demo):
    towns = all_items(client, "/api/towns/?sortierung=-einwohner&limit=100")
    populations = [town["population"] for town in towns if town["population"] is not None]

    assert populations == sorted(populations, reverse=True)


@pytest.mark.parametrize("query", ["art=state", "land=sachsen", "status=ended", "art=regional&land=sachsen-anhalt"])
def test_network_filters_match_the_network_directory(client, demo, query):
    expected = {
        f"{API}/networks/{pk}/"
        for pk in NetworkFilterSet(QueryDict(query), queryset=Network.objects.all()).qs.values_list("pk", flat=True)
    }

    assert set(ids(all_items(client, f"/api/networks/?{query}"))) == expected


@pytest.mark.parametrize(
    "query", ["netzwerk=engagierte-staedte-sachsen", "land=sachsen-anhalt", "jahr=2025", "format=digital"]
)
def test_meeting_filters_match_the_meeting_list(client, demo, query):
    expected = {
        f"{API}/meetings/{pk}/"
        for pk in MeetingFilterSet(QueryDict(query), queryset=Meeting.objects.all()).qs.values_list("pk", flat=True)
    }

    assert set(ids(all_items(client, f"/api/meetings/?{query}"))) == expected


def test_memberships_filter_by_network_and_town(client, demo):
    network = Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    members = all_items(
        client, "/api/memberships/?netzwerk=landesnetzwerk-engagierte-staedte-sachsen-anhalt&aktuell=true"
    )

    assert {m["network"] for m in members} == {f"{API}/networks/{network.pk}/"}
    assert len(members) == network.memberships.filter(until__isnull=True).count()
    assert get(client, get(client, f"/api/networks/{network.pk}/")["memberships"])["pagination"]["totalElements"] == (
        network.memberships.count()
    )


# --- what is never published ---------------------------------------------------------------------


def test_draft_reports_never_appear(client, demo):
    since = QueryDict.fromkeys(
        ["modified_since"], (timezone.now() - datetime.timedelta(days=1)).isoformat()
    ).urlencode()
    meeting = Meeting.objects.filter(report__isnull=True).first()
    report = MeetingReport.objects.create(meeting=meeting, lead="Noch nicht fertig", body="Entwurf")

    assert report.status == ReportStatus.DRAFT
    assert f"{API}/reports/{report.pk}/" not in ids(all_items(client, "/api/reports/?limit=100"))
    assert f"{API}/reports/{report.pk}/" not in ids(all_items(client, f"/api/reports/?{since}&limit=100"))
    assert get(client, f"/api/reports/{report.pk}/", status=404)["error"] == "not_found"
    assert get(client, f"/api/meetings/{meeting.pk}/")["resultsProtocol"] is None


def test_people_appear_with_their_public_role_and_contact_only_with_consent(client, demo):
    partnership = StatePartnership.objects.first()
    shy = Person.objects.create(name="Erika Muster", role="Ministerin", email="erika@example.org", phone="0391 1")
    willing = Person.objects.create(
        name="Max Muster", role="Staatssekretär", email="max@example.org", contact_public=True
    )
    partnership.signatories.add(shy, willing)

    signatories = {p["name"]: p for p in get(client, f"/api/state-partnerships/{partnership.pk}/")["signatories"]}

    assert signatories["Erika Muster"] == {"name": "Erika Muster", "title": "", "role": "Ministerin"}
    assert signatories["Max Muster"]["email"] == "max@example.org"
    assert "erika@example.org" not in client.get("/api/state-partnerships/?limit=100").content.decode()


# --- CORS ----------------------------------------------------------------------------------------


def test_any_origin_may_read_the_api(client, demo):
    response = client.get("/api/towns/", headers={"Origin": "https://example.org"})

    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_preflight_allows_get(client, demo):
    response = client.options(
        "/api/towns/", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "POST" not in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("url", ["/", "/staedte/", "/admin/login/"])
def test_the_site_itself_sends_no_cors_headers(client, demo, url):
    response = client.get(url, headers={"Origin": "https://example.org"})

    assert "Access-Control-Allow-Origin" not in response


def test_the_api_refuses_to_write(client, demo):
    response = client.post("/api/towns/", {})

    assert response.status_code == 405


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter", "error"),
    [
        ("/api/towns/?foo=1", "foo", "unknown_parameter"),
        ("/api/towns/?land=atlantis", "land", "invalid_parameter"),
        ("/api/towns/?netzwerk=gibt-es-nicht", "netzwerk", "invalid_parameter"),
        ("/api/towns/?seit_von=zweitausend", "seit_von", "invalid_parameter"),
        ("/api/towns/?seit_von=1999", "seit_von", "invalid_parameter"),
        ("/api/towns/?groesse=riesig", "groesse", "invalid_parameter"),
        ("/api/towns/?sortierung=einwohnerzahl", "sortierung", "invalid_parameter"),
        ("/api/towns/?q=" + "x" * 101, "q", "invalid_parameter"),
        ("/api/towns/?limit=101", "limit", "invalid_parameter"),
        ("/api/towns/?limit=0", "limit", "invalid_parameter"),
        ("/api/towns/?page=-1", "page", "invalid_parameter"),
        ("/api/towns/?page=eins", "page", "invalid_parameter"),
        ("/api/towns/?modified_since=gestern", "modified_since", "invalid_parameter"),
        ("/api/towns/?modified_since=2025-02-30T00:00:00Z", "modified_since", "invalid_parameter"),
        ("/api/towns/?modified_since=2025-01-01", "modified_since", "invalid_parameter"),
        ("/api/towns/?created_since=1700000000", "created_since", "invalid_parameter"),
        ("/api/meetings/?jahr=20x5", "jahr", "invalid_parameter"),
        ("/api/meetings/?elementsPerPage=5", "elementsPerPage", "unknown_parameter"),
        ("/api/networks/?status=vorbei", "status", "invalid_parameter"),
        ("/api/memberships/?stadt=nirgendwo", "stadt", "invalid_parameter"),
        ("/api/towns/1/?limit=5", "limit", "unknown_parameter"),
        ("/api/towns/abc/", "pk", "invalid_parameter"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, demo, url, parameter, error):
    body = get(client, url, status=400)

    assert body["error"] == error
    assert body["parameter"] == parameter
    assert parameter in body["message"]


def test_timestamps_far_out_of_range_are_no_error(client, demo):
    assert get(client, "/api/towns/?modified_since=9999-12-31T23:59:59-23:59")["data"] == []
    assert get(client, "/api/towns/?modified_since=0001-01-01T00:00:00%2B23:59")["data"]


# --- the description -----------------------------------------------------------------------------


def test_the_openapi_description_is_served_without_a_docs_page(client, demo):
    schema = get(client, "/api/openapi.json")

    assert schema["openapi"].startswith("3.")
    assert {"/api/towns/", "/api/towns/{pk}/", "/api/meetings/", "/api/reports/{pk}/"} <= set(schema["paths"])
    assert client.get("/api/docs/").status_code == 404


# --- query budget --------------------------------------------------------------------------------

LISTS = ["towns", "organizations", "networks", "memberships", "state-partnerships", "meetings", "reports"]


def test_a_full_list_page_needs_no_more_queries_with_ten_times_the_data(client, demo):
    since = QueryDict.fromkeys(["modified_since"], "2000-01-01T00:00:00Z").urlencode()
    urls = [f"/api/{collection}/?limit=100&{since}" for collection in LISTS]
    delete_with_snapshot(Meeting.objects.first())
    small = {url: request_cost(client, url).queries for url in urls}

    generate(10)
    large = {url: request_cost(client, url).queries for url in urls}

    for url in urls:
        # One query fewer is fine: when live objects fill the page, the deleted ones are not read.
        assert large[url] <= small[url] <= 8, url


def test_a_report_withdrawn_after_publication_is_gone_for_readers_who_copied_it(client, demo, admin_user):
    since = QueryDict.fromkeys(["modified_since"], timezone.now().isoformat()).urlencode()
    report = MeetingReport.objects.published().first()
    url = f"{API}/reports/{report.pk}/"
    assert get(client, url)["deleted"] is False

    withdraw_report(report, user=admin_user)

    stub = get(client, url)
    assert stub == {"id": url, "type": "MeetingReport", "deleted": True, "modified": stub["modified"]}
    assert datetime.datetime.fromisoformat(stub["modified"]) >= report.modified_at - datetime.timedelta(seconds=1)
    assert get(client, f"/api/reports/?{since}")["data"] == [stub]
    assert url not in ids(all_items(client, "/api/reports/?limit=100"))
    later = QueryDict.fromkeys(["modified_since"], timezone.now().isoformat()).urlencode()
    assert get(client, f"/api/reports/?{later}")["data"] == []

    publish_report(report, user=admin_user)

    assert get(client, url)["deleted"] is False
    assert [item["deleted"] for item in get(client, f"/api/reports/?{since}")["data"]] == [False]


def test_withdrawn_and_deleted_reports_follow_the_live_ones_in_one_list(client, demo):
    since = QueryDict.fromkeys(
        ["modified_since"], (timezone.now() - datetime.timedelta(days=1)).isoformat()
    ).urlencode()
    withdrawn, deleted, *live = MeetingReport.objects.published().order_by("pk")
    withdrawn.status = ReportStatus.DRAFT
    withdrawn.save()
    deleted_url = f"{API}/reports/{deleted.pk}/"
    delete_with_snapshot(deleted)

    items = all_items(client, f"/api/reports/?{since}&limit=1")

    assert [item["id"] for item in items if not item["deleted"]] == [f"{API}/reports/{r.pk}/" for r in live]
    assert [item["id"] for item in items if item["deleted"]] == [f"{API}/reports/{withdrawn.pk}/", deleted_url]


def test_a_town_and_a_network_carry_their_sources(client, demo):
    town = City.objects.get(slug="gardelegen")
    data = client.get(f"/api/towns/{town.pk}/").json()
    facts = {(source["url"], source["fact"]) for source in data["sources"]}
    assert ("https://www.engagiertestadt.de/2022/06/14/wir-wachsen-auf-113-engagierte-staedte/", "joined_year") in facts
    assert all(source["title"] for source in data["sources"])

    network = Network.objects.get(slug="regionalnetzwerk-anhalt")
    data = client.get(f"/api/networks/{network.pk}/").json()
    assert "https://faw.de/dessau/projekte/regionalnetzwerk-anhalt" in {source["url"] for source in data["sources"]}


@pytest.mark.parametrize("url", ["/api/", "/api/towns/", "/api/meetings/?limit=3", "/api/openapi.json"])
def test_head_answers_like_get_without_a_body(client, demo, url):
    got = client.get(url)
    head = client.head(url)

    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) == len(got.content)
