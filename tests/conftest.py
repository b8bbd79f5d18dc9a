"""Shared fixtures: the demo network, loaded once per test database.

`django_db_setup` (session scope) migrates the test database and commits the demo network
into it once; with pytest-xdist every worker does this for its own database. Each test then
runs inside a transaction that is rolled back (pytest-django's `db`), so it sees the demo
data as a first-time visitor does and leaves nothing behind.

Tests whose writes must really commit (a browser test that writes through the live server, the
page cache, backup and restore) use `transactional_db`; pytest-django empties every table after
such a test, and `pytest_runtest_teardown` below puts the demo network back at once, so the next
test finds it again. Browser tests that only read use a read-only live server instead
(tests/browser/conftest.py), and data that several read-only tests share is built once per
module inside a transaction that is rolled back (tests/public/test_size_budget.py). Tests that
need an empty directory ask for `empty_directory`.
"""

import contextlib
import importlib

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connections, models

from core.directory import directory_app_labels


def pytest_configure(config):
    from tests import fetching

    fetching.install()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


def load_committed_demo() -> None:
    """The demo network as it is right after `migrate` and `load_demo`, committed."""
    from demo.loader import load_demo

    load_demo()


def restore_committed_demo() -> None:
    """Put the demo network back after a transactional test emptied every table.

    The flush also removed the 16 states that a data migration creates, so they come first.
    """
    importlib.import_module("cities.migrations.0002_states").create_states(apps, None)
    load_committed_demo()
    # Playwright's event loop gives the browser tests a context of their own, with connections of
    # their own: closed here, they cannot keep the test database from being dropped at the end.
    connections.close_all()


def pytest_terminal_summary(terminalreporter):
    """Figures that tests measured (tests/production), in the order they arose, under their heading."""
    sections: dict[str, list[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name.startswith("production figure"):
                    sections.setdefault(name, []).append(value)
    for name, lines in sections.items():
        mode = name.removeprefix("production figure ").strip("()")
        terminalreporter.section(f"production profile: measured figures, {mode}")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_committed_demo()


# Where the session keeps pytest-django's database blocker for the teardown hook below.
_BLOCKER_KEY = pytest.StashKey()


def _commits(item) -> bool:
    """Whether the test ran with real transactions, so that its end emptied every table."""
    if "transactional_db" in getattr(item, "fixturenames", ()) or "live_server" in getattr(item, "fixturenames", ()):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the last test the session's teardown has already destroyed the test database.
        if _commits(item) and nextitem is not None:
            with item.config.stash[_BLOCKER_KEY].unblock():
                restore_committed_demo()


@pytest.fixture(scope="session", autouse=True)
def _remember_blocker(request, django_db_blocker):
    request.config.stash[_BLOCKER_KEY] = django_db_blocker


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches: what one test cached is not another's."""
    for alias in caches:
        with contextlib.suppress(Exception):  # a test may point a cache at a server that is not there
            caches[alias].clear()


@pytest.fixture
def demo(db):
    """The demo directory from demo/network.toml, as a first-time visitor sees it.

    The data is committed once per test database (see `django_db_setup`); this fixture gives the
    test its rolled-back transaction and names the dependency.
    """


@pytest.fixture
def empty_directory(db):
    """An empty directory (only the 16 states of the data migration), for tests that build their own data.

    The demo rows are deleted inside the test's transaction, so they are back for the next test.
    """
    from cities.models import State

    for connection in connections.all():
        with connection.constraint_checks_disabled():
            for model in apps.get_models(include_auto_created=True):
                if model._meta.managed and not model._meta.proxy and model is not State and _is_ours(model):
                    model._base_manager.using(connection.alias).all()._raw_delete(connection.alias)


def _is_ours(model: type[models.Model]) -> bool:
    return model._meta.app_label in {*directory_app_labels(), "engagiert"}


@pytest.fixture
def demo_users(demo):
    """The demo directory plus the example accounts of demo/users.py, by username."""
    from django.contrib.auth import get_user_model

    from demo.users import load_demo_users

    names = load_demo_users()
    return {user.username: user for user in get_user_model().objects.filter(username__in=names)}
