"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Chromium is never downloaded: the tests use /usr/bin/chromium (or $CHROMIUM), which
.ci/run installs from Debian's packages. Without it these tests are skipped, unless
REQUIRE_BROWSER_TESTS is set (as in CI), in which case they fail.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in our
# fixtures are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath).replace(os.sep, "/")]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(f"Browser tests required, but Chromium is missing at {CHROMIUM}.")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (install Debian's chromium package)")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the demo network; returns the base URL.

    Transactional tests empty every table afterwards, including the 16 states that a
    data migration created, so they are put back first.
    """
    import importlib

    from django.apps import apps

    from engagiert.demo.loader import load_demo

    importlib.import_module("cities.migrations.0002_states").create_states(apps, None)
    load_demo()
    return live_server.url


@pytest.fixture
def foreign_requests(page, site):
    """Every request the page makes to a host other than the live server."""
    own = urlsplit(site).netloc
    seen = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https"} and parts.netloc != own:
            seen.append(request.url)

    page.on("request", record)
    return seen
