"""A write cut off by a database failure leaves nothing behind, not even part of it.

Each test sends a real multi-row write of the app to the web server, as the programme office in a
browser would, and kills the request's database session in the middle of it: a trigger on one
of the later rows terminates the session that writes it (`pg_terminate_backend`), as a crashed
database server or a cut network would. The visitor then gets the German 503 page, which
promises that nothing of the change was kept, and the database must be exactly as before:
every table of the site compared row by row (data, change history, Papierkorb, admin log, the
page cache's version). The same write sent again afterwards must succeed completely, through
the same server workers, which reconnect by themselves.
"""

import pytest

from tests.production.harness import (
    OFFICE_PASSWORD,
    OFFICE_USER,
    Browser,
    assert_outage_page,
    changed_tables,
    connection_killed_at,
    fingerprint,
    inline_row,
)

pytestmark = pytest.mark.production

NOTHING_KEPT = "Diese Änderung wurde nicht übernommen, auch nicht zum Teil."


@pytest.fixture
def office(live_site):
    """A browser signed in as the programme office."""
    browser = Browser(live_site.port)
    browser.login(OFFICE_USER, OFFICE_PASSWORD)
    return browser


@pytest.fixture(autouse=True)
def same_workers(live_site):
    """No write, interrupted or not, costs a server worker: the same processes serve on."""
    workers = live_site.server.worker_pids()
    yield
    assert live_site.server.worker_pids() == workers, "a server worker was replaced"


def interrupted(db, submit, table: str, event: str, condition: str) -> dict:
    """Send the write with the fault armed; assert the 503 page and an untouched database."""
    before = fingerprint(db)
    with connection_killed_at(db, table, event, condition) as fired:
        answer = submit()
        assert fired() == 1, f"the fault on {table} did not fire; the write answered {answer.status}"
    assert_outage_page(answer, "the interrupted write")
    assert NOTHING_KEPT in answer.text
    assert changed_tables(before, fingerprint(db)) == {}, "the interrupted write left rows behind"
    return before


def repeated(db, before: dict, submit, expected: dict[str, int]) -> dict[str, int]:
    """Send the write again without the fault: it succeeds, and every row is there."""
    answer = submit()
    assert answer.status == 302, f"{answer.status}: {answer.text[:1000]}"
    changes = changed_tables(before, fingerprint(db))
    for table, rows in expected.items():
        assert changes.get(table) == rows, (
            f"{table}: {changes.get(table)} rows instead of {rows}; all changes: {changes}"
        )
    # The page cache learns of the change (a new version token).
    assert "engagiert_directoryversion" in changes, changes
    return changes


def pick_towns(db, site, count: int) -> list[tuple[int, str]]:
    """Towns with memberships, the fewest first, other than the one the load tests ask for."""
    busy = {target.path.strip("/").split("/")[-1] for target in site.targets if target.name == "town"}
    rows = db.execute(
        "SELECT c.id, c.slug FROM cities_city c JOIN networks_membership m ON m.city_id = c.id "
        "GROUP BY c.id, c.slug ORDER BY count(*), c.id"
    ).fetchall()
    towns = [(pk, slug) for pk, slug in rows if slug not in busy]
    assert len(towns) >= count
    return towns[:count]


def test_town_saved_with_new_memberships_in_the_admin(live_site, site_db, office, figures):
    """The admin's change form: the town's row, two new memberships, their history, the admin log."""
    (town, _), _ = pick_towns(site_db, live_site, 2)
    networks = [
        pk
        for (pk,) in site_db.execute(
            "SELECT id FROM networks_network WHERE id NOT IN "
            "(SELECT network_id FROM networks_membership WHERE city_id = %s AND until IS NULL) ORDER BY id LIMIT 2",
            [town],
        )
    ]
    assert len(networks) == 2
    url = f"/admin/cities/city/{town}/change/"

    def submit():
        form, data = office.form(url, "memberships-TOTAL_FORMS")
        total = int(data["memberships-TOTAL_FORMS"][0])
        for offset, (network, note) in enumerate(zip(networks, ["Erste neue", "Zweite neue"], strict=False)):
            index = total + offset
            data.update(inline_row(form, "memberships", index))
            data[f"memberships-{index}-network"] = [str(network)]
            data[f"memberships-{index}-note"] = [note]
        data["memberships-TOTAL_FORMS"] = [str(total + 2)]
        data["website"] = ["https://example.org/neu"]
        data["_save"] = ["Sichern"]
        return office.post(url, data)

    before = interrupted(site_db, submit, "networks_membership", "INSERT", "NEW.note = 'Zweite neue'")
    changes = repeated(
        site_db,
        before,
        submit,
        {
            "cities_city": 0,
            "cities_historicalcity": 1,
            "networks_membership": 2,
            "networks_historicalmembership": 2,
            "django_admin_log": 1,
        },
    )
    assert (
        site_db.execute("SELECT website FROM cities_city WHERE id = %s", [town]).fetchone()[0]
        == "https://example.org/neu"
    )
    figures(f"interrupted write, town with two memberships (admin): none kept; then all kept: {changes}")


def test_town_deleted_to_the_papierkorb(live_site, site_db, office, figures):
    """The admin's delete: the Papierkorb entry first, then the memberships, the town, their history."""
    _, (town, slug) = pick_towns(site_db, live_site, 2)
    memberships = site_db.execute("SELECT count(*) FROM networks_membership WHERE city_id = %s", [town]).fetchone()[0]
    assert memberships >= 1
    url = f"/admin/cities/city/{town}/delete/"

    def submit():
        _, data = office.form(url, "post")
        return office.post(url, data)

    before = interrupted(site_db, submit, "cities_city", "DELETE", f"OLD.id = {town}")
    changes = repeated(
        site_db,
        before,
        submit,
        {
            "engagiert_deletedentry": 1,
            "cities_city": -1,
            "cities_historicalcity": 1,
            "networks_membership": -memberships,
            "networks_historicalmembership": memberships,
            "django_admin_log": 1,
        },
    )
    assert office.get(f"/staedte/{slug}/").status == 404
    figures(f"interrupted write, town to the Papierkorb (admin): none kept; then all kept: {changes}")


def test_meeting_created_in_the_editorial_area(live_site, site_db, office, figures):
    """/redaktion/: the meeting, its two organising networks, the history of both."""
    networks = [pk for (pk,) in site_db.execute("SELECT id FROM networks_network ORDER BY id LIMIT 2")]
    url = "/redaktion/neues-treffen/"

    def submit():
        _, data = office.form(url, "title")
        data.update(
            title=["Netzwerktreffen nach dem Ausfall"],
            starts_on=["2031-05-14"],
            place_text=["Rathaus"],
            networks=[str(pk) for pk in networks],
        )
        return office.post(url, data)

    before = interrupted(site_db, submit, "events_meeting_networks", "INSERT", f"NEW.network_id = {networks[1]}")
    changes = repeated(
        site_db,
        before,
        submit,
        {"events_meeting": 1, "events_meeting_networks": 2, "events_historicalmeeting_networks": 2},
    )
    assert changes.get("events_historicalmeeting", 0) >= 1, changes
    figures(f"interrupted write, new meeting (/redaktion/): none kept; then all kept: {changes}")


def test_earlier_version_of_a_network_restored(live_site, site_db, office, figures):
    """The office restores an earlier version of a network in the admin, with its states."""
    network, states = site_db.execute(
        "SELECT network_id, array_agg(state_id ORDER BY state_id) FROM networks_network_states "
        "GROUP BY network_id HAVING count(*) >= 2 ORDER BY network_id LIMIT 1"
    ).fetchone()
    url = f"/admin/networks/network/{network}/change/"
    version = site_db.execute(
        "SELECT max(history_id) FROM networks_historicalnetwork WHERE id = %s", [network]
    ).fetchone()[0]
    # A newer version without the last state.
    _, data = office.form(url, "name")
    data.update(description=[data["description"][0] + " Ergänzt."], states=[str(s) for s in states[:-1]])
    data["_save"] = ["Sichern"]
    assert office.post(url, data).status == 302
    history_url = f"/admin/networks/network/{network}/history/{version}/"

    def submit():
        # The version's form brings back its states; it is sent as the admin shows it.
        _, data = office.form(history_url, "name")
        assert sorted(int(s) for s in data["states"]) == sorted(states)
        data["_save"] = ["Wiederherstellen"]
        return office.post(history_url, data)

    before = interrupted(site_db, submit, "networks_network_states", "INSERT", f"NEW.state_id = {states[-1]}")
    # Two history rows: the restored row, and django-simple-history's own record of the changed links.
    changes = repeated(
        site_db, before, submit, {"networks_network": 0, "networks_historicalnetwork": 2, "networks_network_states": 1}
    )
    figures(f"interrupted write, network version restored (admin): none kept; then all kept: {changes}")


def test_reports_published_with_the_admin_action(live_site, site_db, office, figures):
    """The admin action "Ausgewählte Berichte veröffentlichen" on two draft reports."""
    reports = [
        pk for (pk,) in site_db.execute("SELECT id FROM events_meetingreport WHERE body <> '' ORDER BY id LIMIT 2")
    ]
    assert len(reports) == 2
    site_db.execute(
        "UPDATE events_meetingreport SET status = 'draft', published_at = NULL WHERE id = ANY(%s)", [reports]
    )
    url = "/admin/events/meetingreport/"

    def submit():
        _, data = office.form(url, "action")
        data.update(action=["publish_reports"], _selected_action=[str(pk) for pk in reports], index=["0"])
        return office.post(url, data)

    before = interrupted(site_db, submit, "events_historicalmeetingreport", "INSERT", f"NEW.id = {reports[1]}")
    changes = repeated(site_db, before, submit, {"events_meetingreport": 0, "events_historicalmeetingreport": 2})
    figures(f"interrupted write, reports published (admin action): none kept; then all kept: {changes}")
