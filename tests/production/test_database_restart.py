"""PostgreSQL goes away in the middle of a load run and comes back.

While it is down, every page answers 503 with the German "back in a moment" page and a
Retry-After header, /healthz answers 503, static files are still served; nothing answers 500,
nothing hangs. Once PostgreSQL accepts connections again, every page answers 200 at once,
served by the same server process and workers: nobody restarts the app.
"""

import json
import time
from collections import Counter

import pytest

from tests.production.harness import (
    CONNECTIONS,
    RESTART_PHASES,
    LoadRun,
    Target,
    assert_outage_page,
    describe,
    server_events,
    tail,
)

pytestmark = pytest.mark.production

# Every page answers 200 again this soon after PostgreSQL accepts connections (measured: well
# under a second; generous for a busy machine).
RECOVERY_LIMIT = 10.0


def test_pages_answer_503_while_postgresql_is_down_and_recover_without_a_restart(live_site, figures):
    site = live_site
    server = site.server
    master = server.master_pid
    workers = server.worker_pids()
    assert len(workers) == 2, workers
    log_offset = server.logfile.stat().st_size
    static = Target("static file", site.static_path)
    targets = [*site.targets, static]
    before, outage, after = RESTART_PHASES

    with LoadRun(site.port, targets, CONNECTIONS) as run:
        run.stopping.wait(before)
        stop_begin = time.monotonic()
        site.cluster.stop("fast")
        stop_done = time.monotonic()
        run.stopping.wait(outage)
        start_begin = time.monotonic()
        site.cluster.start()
        start_done = time.monotonic()
        run.stopping.wait(after)
    hits = run.stop()

    # --- every answer of the whole run: 200 (or 304 to a conditional request) or the outage page
    errors = [hit for hit in hits if hit.error is not None]
    assert not errors, f"{len(errors)} requests failed or timed out, e.g. {errors[:3]}"
    unexpected = [hit for hit in hits if hit.status not in (200, 503) and not (hit.status == 304 and hit.conditional)]
    assert not unexpected, "unexpected answers: " + "; ".join(
        f"{hit.target} {hit.status} {hit.body[:200]!r}" for hit in unexpected[:5]
    )
    for hit in hits:
        if hit.status != 503:
            continue
        if hit.target == "healthz":
            health = json.loads(hit.body)
            assert (health["status"], health["database"]) == ("unavailable", "unavailable"), health
        else:
            assert_outage_page(hit, hit.target)
    assert all(hit.status in (200, 304) for hit in hits if hit.target == static.name), "static files need no database"

    # --- the phases: up; down (asked and answered entirely while the server was stopped); up again
    up_before = [hit for hit in hits if hit.started + hit.seconds < stop_begin]
    down = [hit for hit in hits if hit.started > stop_done and hit.started + hit.seconds < start_begin]
    up_after = [hit for hit in hits if hit.started > start_done]
    assert up_before and all(hit.status in (200, 304) for hit in up_before)
    for target in targets:
        asked = [hit for hit in down if hit.target == target.name]
        assert asked, f"{target.path} was not asked while PostgreSQL was down"
        allowed = {200, 304} if target is static else {503}
        statuses = Counter(hit.status for hit in asked)
        assert set(statuses) <= allowed, f"{target.path} while PostgreSQL was down: {statuses}"
    failed_after = [hit for hit in up_after if hit.status not in (200, 304)]
    assert not failed_after, f"{len(failed_after)} failures after PostgreSQL was back, e.g. {failed_after[:3]}"
    recovered = {}
    for target in targets:
        answered = [hit.started + hit.seconds for hit in up_after if hit.target == target.name and hit.status == 200]
        assert answered, f"{target.path} did not answer 200 after the restart: {up_after[:3]}"
        recovered[target.name] = min(answered) - start_done
    assert max(recovered.values()) < RECOVERY_LIMIT, recovered

    # --- nobody restarted the app
    assert server.alive()
    assert server.master_pid == master
    with open(server.logfile, "rb") as log:
        log.seek(log_offset)
        events = server_events(log.read().decode(errors="replace"))
    trouble = [event for event in events if event.get("level") not in ("INFO", "DEBUG")]
    assert not trouble, f"the web server reported trouble: {trouble[:5]}"
    now = server.worker_pids()
    assert now == workers, f"workers {sorted(workers - now)} were replaced:\n{tail(server.logfile)}"

    figures(f"database restart under load ({CONNECTIONS} connections): {describe(hits, run.stopped - run.started)}")
    figures(
        f"  pg_ctl stop -m fast {stop_done - stop_begin:.1f} s; outage {start_begin - stop_done:.1f} s: "
        f"{describe(down)}; 503 answers in the whole run: {sum(1 for hit in hits if hit.status == 503)}"
    )
    figures(
        f"  pg_ctl start {start_done - start_begin:.1f} s; after it: {describe(up_after)}, {len(failed_after)} failed; "
        f"first 200 per page {min(recovered.values()):.2f}–{max(recovered.values()):.2f} s after the start; "
        f"server process {master} and workers {sorted(now)} unchanged"
    )
