"""Many visitors at once: every public page answers, none fails, under 50 concurrent connections."""

import pytest

from tests.production.harness import CONNECTIONS, LOAD_SECONDS, LoadRun, describe

pytestmark = pytest.mark.production


def test_public_pages_answer_every_request_under_load(live_site, figures):
    with LoadRun(live_site.port, live_site.targets, CONNECTIONS) as run:
        run.stopping.wait(LOAD_SECONDS)
    hits = run.stop()

    figures(f"load, {CONNECTIONS} connections for {LOAD_SECONDS:.0f} s: {describe(hits, run.stopped - run.started)}")
    by_target = {}
    for hit in hits:
        by_target.setdefault(hit.target, []).append(hit)
    for target in live_site.targets:
        figures(f"  {target.name} ({target.path}): {describe(by_target.get(target.name, []))}")

    failed = [hit for hit in hits if not (hit.status == 200 or (hit.status == 304 and hit.conditional))]
    assert not failed, f"{len(failed)} of {len(hits)} requests failed, e.g. " + "; ".join(
        f"{hit.target}: {hit.status or hit.error} {hit.body[:200]!r}" for hit in failed[:5]
    )
    # Every page of the mix was asked several times, and revalidation worked.
    assert {target.name for target in live_site.targets} <= set(by_target)
    assert all(len(target_hits) >= 3 for target_hits in by_target.values())
    assert any(hit.status == 304 for hit in hits), "no conditional request was answered with 304"
    assert live_site.server.alive()
