"""The page cache with several server workers: an edit in the admin shows on the very next request.

Each worker keeps its own cache (no REDIS_URL here), so a stale page would survive in whichever
worker cached it; the shared version token in the database must make every worker render anew.
"""

import pytest

from tests.production.harness import OFFICE_PASSWORD, OFFICE_USER, Browser, fetch

pytestmark = pytest.mark.production


def test_withdrawn_report_leaves_the_cached_public_pages_at_once(live_site, site_db):
    report, slug = site_db.execute(
        "SELECT r.id, m.slug FROM events_meetingreport r JOIN events_meeting m ON m.id = r.meeting_id "
        "WHERE r.status = 'published' ORDER BY r.id LIMIT 1"
    ).fetchone()
    page = f"/treffen/{slug}/"
    history = "SELECT count(*) FROM events_historicalmeetingreport WHERE id = %s"
    versions_before = site_db.execute(history, [report]).fetchone()[0]
    # Both workers have the page with the report in their caches.
    published = {fetch(live_site.port, page).body for _ in range(6)}
    assert len(published) == 1

    office = Browser(live_site.port)
    office.login(OFFICE_USER, OFFICE_PASSWORD)
    _, data = office.form("/admin/events/meetingreport/", "action")
    data.update(action=["withdraw_reports"], _selected_action=[str(report)], index=["0"])
    assert office.post("/admin/events/meetingreport/", data).status == 302
    assert site_db.execute("SELECT status FROM events_meetingreport WHERE id = %s", [report]).fetchone()[0] == "draft"

    for _ in range(6):
        answer = fetch(live_site.port, page)
        assert answer.status == 200
        assert answer.body not in published, f"the withdrawn report is still served ({answer.headers.get('x-cache')})"
    assert site_db.execute(history, [report]).fetchone()[0] == versions_before + 1, (
        "the withdrawal is not in the history"
    )
