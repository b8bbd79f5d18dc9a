"""Forged admin forms from signed-in accounts never give a server error.

For every role and every admin form the role may open (the add page and the change page of
one of its rows), the form is sent as rendered with hostile values: all fields at once with
one bad value, then each key, number, date and choice field alone with forged keys (an
inline's first row at once, each count of its management form alone), while the rest stays valid (the way the 500s of the finding were found: `coordinating_organization=abc`
as a coordinator, `network=abc` in a spokesperson's membership, 20-digit ids). Every answer
must be a form error, a refusal or a redirect: nothing at or above 500.
"""

import re

import pytest
from django.contrib.admin.sites import site
from django.test import Client

from core.admin import FORGED_ROWS, NEW_ROWS_AT_ONCE
from networks.models import Membership, Network
from tests.core.test_locking import admin_change_url, admin_form
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

ACCOUNTS = ["koordination-stendal", "sprecherin-sachsen-anhalt", "redaktion-anhalt", "programmbuero"]
# Against every field at once.
BAD_VALUES = ["abc", "1.5", "99999999999999999999", "-1", "", "\x00", "2025-13-45", "<script>", "x" * 5000]
# Against key, number, date and choice fields one by one.
FORGED_KEYS = ["abc", "1.5", "99999999999999999999"]
# Against an inline's counts: stored rows passed off as new ones, and a flood of new rows.
MANAGEMENT = {"INITIAL_FORMS": ["0", "-1"], "TOTAL_FORMS": ["99999999999999999999"]}
MANAGEMENT_SUFFIXES = tuple(f"-{name}" for name in MANAGEMENT)
# The admin's apps (the sources live under the label "engagiert"), one test each, so the work
# spreads over the test processes.
APPS = ["cities", "networks", "events", "engagiert", "auth"]
# Where a role has no form to open at all: coordinators keep no meetings, spokespersons no
# towns, organisations or people, and the user accounts are the office's.
NO_FORMS = {
    ("koordination-stendal", "events"),
    ("koordination-stendal", "auth"),
    ("sprecherin-sachsen-anhalt", "cities"),
    ("sprecherin-sachsen-anhalt", "auth"),
    ("redaktion-anhalt", "cities"),
    ("redaktion-anhalt", "auth"),
}
SKIPPED = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother"}
LOOKS_TYPED = re.compile(r"^(-?\d+([.,]\d+)?|\d{4}-\d\d-\d\d|\d\d\.\d\d\.\d{4})$")


def admin_pages(client, app_label: str) -> list[str]:
    """The add page and one change page of every admin list of the app the account may open."""
    pages = []
    for model in site._registry:
        opts = model._meta
        if opts.app_label != app_label:
            continue
        changelist = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        if changelist.status_code != 200 or changelist.context is None or "cl" not in changelist.context:
            continue
        add = f"/admin/{opts.app_label}/{opts.model_name}/add/"
        if client.get(add).status_code == 200:
            pages.append(add)
        rows = list(changelist.context["cl"].result_list[:1])
        if rows:
            pages.append(f"/admin/{opts.app_label}/{opts.model_name}/{rows[0].pk}/change/")
    return pages


def forgeries(form, data, *, inlines: bool = True) -> list[dict]:
    """The single forgeries of a form: each select, and each input whose value looks like a key,
    number or date, of the main form alone; each inline's first row at once (rows after it are
    built by the same form class) and the counts of its management form."""
    selects = {node.get("name") for node in form.find_all("select")}
    attempts, rows = [], {}
    for name, values in data.items():
        if name in SKIPPED or name.endswith(("-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            continue
        typed = name in selects or any(LOOKS_TYPED.match(value or "") for value in values)
        inline = re.match(r"^(.+)-(\d+)-.+$", name)
        if name.endswith(MANAGEMENT_SUFFIXES):
            attempts += [{name: [count]} for count in MANAGEMENT[name.rsplit("-", 1)[1]]] if inlines else []
        elif inline:
            if inline.group(2) == "0":
                rows.setdefault(inline.group(1), []).append(name)
        elif typed:
            attempts += [{name: [key]} for key in FORGED_KEYS]
    if inlines:
        attempts += [{name: [key] for name in names} for names in rows.values() for key in FORGED_KEYS]
    return attempts


def all_at_once(data) -> list[dict]:
    """Every field of the form with the same bad value, one request per value."""
    return [{name: [bad] for name in data if name not in SKIPPED} for bad in BAD_VALUES]


class AnswerOnlyClient(Client):
    """Django's test client without its record of the templates a response rendered.

    The test client copies the context of every template it renders (an admin form's answer
    renders about 650 of them) so that a test can read it; these tests read only the status
    code, and the copies cost a quarter of every answer's time. A server error still arrives
    as a 500 response (Django's handler turns the exception into one).
    """

    def request(self, **request):
        response = self.handler(self._base_environ(**request))
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


def server_errors(client, url, data, attempts) -> list[tuple]:
    """Sends the form with each attempt's changes, as the signed-in user of `client`; the attempts
    that answered ≥ 500."""
    sender = AnswerOnlyClient()
    sender.cookies = client.cookies
    failures = []
    for changes in attempts:
        response = sender.post(url, {**data, **changes})
        if response.status_code >= 500:
            failures.append((url, sorted(changes)[:3], response.status_code))
    return failures


@pytest.mark.parametrize("app_label", APPS)
@pytest.mark.parametrize("username", ACCOUNTS)
def test_forged_admin_forms_never_give_a_server_error(client, demo_users, username, app_label):
    client.force_login(demo_users[username])
    client.raise_request_exception = False  # a server error is an answer to count, not an exception
    pages = admin_pages(client, app_label)
    if not pages:
        assert (username, app_label) in NO_FORMS, f"{username} opens no admin form of {app_label}"
        return
    failures, sent = [], 0
    for url in pages:
        opened = client.get(url)
        assert opened.status_code == 200, (url, opened.status_code)
        form = admin_form(opened)
        data = form_data(form)
        # The add page builds the same inlines as the change page: its main form is what differs.
        attempts = all_at_once(data) + forgeries(form, data, inlines=url.endswith("/change/"))
        failures += server_errors(client, url, data, attempts)
        sent += len(attempts)
    assert not failures, f"{len(failures)} of {sent} forged posts answered ≥ 500: {failures[:10]}"
    assert sent > 5 * len(pages)


def test_a_forged_row_count_is_a_form_error_and_builds_no_flood_of_forms(client, demo_users):
    client.force_login(demo_users["programmbuero"])
    network = Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    url = admin_change_url(network)
    data = form_data(admin_form(client.get(url)))
    stored = Membership.objects.filter(network=network).count()

    flood = client.post(url, {**data, "memberships-TOTAL_FORMS": ["99999999999999999999"]})
    assert flood.status_code == 200
    assert "Bitte höchstens" in page(flood).text
    (memberships,) = [
        inline.formset for inline in flood.context["inline_admin_formsets"] if inline.formset.prefix == "memberships"
    ]
    assert len(memberships.forms) == stored + NEW_ROWS_AT_ONCE

    # Stored rows passed off as new ones (INITIAL_FORMS 0) would be saved twice.
    passed_off = client.post(url, {**data, "memberships-INITIAL_FORMS": ["0"]})
    assert passed_off.status_code == 200
    assert FORGED_ROWS in page(passed_off).text
    assert Membership.objects.filter(network=network).count() == stored


def test_a_post_that_breaks_the_server_is_counted_as_signed_in_user(client, demo_users, monkeypatch):
    """The sender of the forged posts sees a server error as one, with the session of the test's client."""
    client.force_login(demo_users["programmbuero"])
    network = Network.objects.get(slug="landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    url = admin_change_url(network)
    data = form_data(admin_form(client.get(url)))
    assert server_errors(client, url, data, [{}]) == []

    def broken(*args, **kwargs):
        raise RuntimeError("a check that breaks")

    monkeypatch.setattr(Network, "clean", broken)
    assert server_errors(client, url, data, [{}, {"name": ["Neuer Name"]}]) == [
        (url, [], 500),
        (url, ["name"], 500),
    ]
