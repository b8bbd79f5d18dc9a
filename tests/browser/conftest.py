"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Chromium is never downloaded: the tests use /usr/bin/chromium (or $CHROMIUM), which
.ci/run installs from Debian's packages. Without it these tests are skipped, unless
REQUIRE_BROWSER_TESTS is set (as in CI), in which case they fail.
"""

import contextlib
import os
import shutil
import threading
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.db.backends.signals import connection_created
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

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


class BrowserLiveServer(ThreadedWSGIServer):
    """The live server, serving one request at a time when its threads share a connection,
    and holding no database connection between requests.

    On in-memory SQLite every request thread uses the test's own sqlite3 connection, and a
    browser asks in parallel (the results, the network picker, the map): two queries at once
    on one connection fail with "bad parameter or other API misuse". Sockets are still
    accepted and read in parallel (an idle connection Chromium opened ahead of time blocks
    nothing); only the application, including reading its response, runs under a lock.

    Django closes a request thread's connections only when its socket closes, and Chromium
    keeps sockets open: on PostgreSQL an idle kept-alive thread held a session that stopped
    the test database from being dropped at the end of the run. Each thread's own connections
    are therefore closed after every response; the shared SQLite connection belongs to the
    test thread and is never closed here (closing it from a request thread after the live
    server stopped sharing it raised "DatabaseWrapper objects created in a thread can only be
    used in that same thread").
    """

    # Whether the request threads open read-only database sessions (`ReadOnlyLiveServer`).
    read_only = False

    def _close_connections(self):
        shared = set(self.connections_override or ())
        for connection in connections.all(initialized_only=True):
            if connection.alias not in shared:
                connection.close()

    def set_app(self, application):
        lock = threading.Lock() if self.connections_override else contextlib.nullcontext()

        def serve(environ, start_response):
            with lock:
                _request_thread.read_only = self.read_only
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()
                    self._close_connections()

        return super().set_app(serve)


class ReadOnlyLiveServer(BrowserLiveServer):
    """The live server of `site`: on PostgreSQL its requests cannot write."""

    read_only = True


_request_thread = threading.local()


def _read_only_session(sender, connection, **kwargs):
    """A PostgreSQL connection opened by a request of the read-only server refuses every write."""
    if getattr(_request_thread, "read_only", False) and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


@pytest.fixture(scope="session", autouse=True)
def browser_live_server():
    with mock.patch.object(LiveServerThread, "server_class", BrowserLiveServer):
        yield


@pytest.fixture(scope="session")
def read_only_server(browser_live_server, playwright):
    """A live server of its own for the tests that only read (pytest-django's `live_server`
    makes every test transactional, which empties every table afterwards).

    It stops while Playwright still runs, and then closes the connections that the tests opened
    in Playwright's context (see `restore_committed_demo` in tests/conftest.py): left open, one
    of them kept the test database on PostgreSQL from being dropped at the end of the run.
    """
    server = LiveServer("localhost", start=False)
    server.thread.server_class = ReadOnlyLiveServer
    connection_created.connect(_read_only_session, dispatch_uid="browser-read-only-server")
    server.start()
    yield server
    server.stop()
    connection_created.disconnect(dispatch_uid="browser-read-only-server")
    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(read_only_server, db):
    """The live site with the demo network as committed once per test database, for tests that
    only read; returns the base URL.

    Nothing is emptied or loaded again after the test. On PostgreSQL the server's sessions are
    read-only, so a write through the site fails the test with a server error instead of
    changing the data of the tests after it; on in-memory SQLite the server shares the test's
    connection, whose transaction is rolled back.
    """
    read_only_server._live_server_modified_settings.enable()
    yield read_only_server.url
    read_only_server._live_server_modified_settings.disable()


@pytest.fixture
def writable_site(live_server, transactional_db):
    """The live site for tests that write through it, committed; returns the base URL.

    Transactional tests empty every table afterwards; tests/conftest.py puts the demo
    network back after each of them.
    """
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
