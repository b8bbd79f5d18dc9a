"""The production profile under load and under failure, on loopback only.

The session fixture `site` builds what production runs, independent of the database the rest
of the suite uses (so these tests run in the SQLite pass and the PostgreSQL pass alike):

- a throwaway PostgreSQL cluster of its own: initdb and pg_ctl from /usr/lib/postgresql/*/bin,
  a free port on 127.0.0.1, socket and data in a temporary directory; as root the server runs
  as the user postgres;
- `manage.py migrate`, `load_demo`, `collectstatic` and an office account (a superuser);
- the web server (server.py) with the production environment (DEBUG unset, SECRET_KEY,
  ALLOWED_HOSTS, DATABASE_URL with persistent, health-checked connections), two workers.

Everything is torn down at the end of the session, also when a test fails: the server's process
group is killed, the cluster stopped, the directory removed. The tests speak HTTP with the
standard library only (`http.client`, one connection per thread) and SQL with psycopg.

Short runs by default (seconds, so the suite stays quick); RELIABILITY_FULL=1 runs the full
ones: 50 connections for 30 seconds, and a longer database outage in the middle of a load run.
"""

import atexit
import json
import os
import pwd
import signal
import tempfile
import time
from pathlib import Path

import pytest

from tests.production.harness import (
    FIGURES,
    FULL,
    OFFICE_PASSWORD,
    OFFICE_USER,
    ManageCommand,
    PostgresCluster,
    Site,
    WebServer,
    free_ports,
    postgres_bindir,
    production_env,
    public_targets,
    remove_directory,
    tail,
)

# --- figures for the terminal summary (printed by tests/conftest.py) ------------------------------------------------------------


@pytest.fixture
def figures():
    """Append a line to the measured figures printed at the end of the run."""
    return FIGURES.append


FIGURE_PROPERTY = "production figure (full mode)" if FULL else "production figure (short mode)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Hand the figures measured so far to the test's report: with pytest-xdist the figures arise
    in a worker, and only reports reach the process that prints the summary (tests/conftest.py)."""
    report = yield
    reported = item.config.stash.setdefault(_REPORTED, [0])
    for line in FIGURES[reported[0] :]:
        report.user_properties.append((FIGURE_PROPERTY, line))
    reported[0] = len(FIGURES)
    return report


_REPORTED = pytest.StashKey()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def site():
    """The production profile, running: PostgreSQL cluster, migrated demo data, the web server with two workers."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed; apt-get install postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, but there is no user postgres to run the throwaway cluster as")

    # Not under pytest's own temporary directory: that one is private to root, and the server
    # runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="engagiert-production-"))
    db_port, http_port = free_ports(2)
    cluster = PostgresCluster(bindir, base, db_port)
    media = base / "media"
    media.mkdir()
    env = production_env(cluster.url(), f"127.0.0.1:{http_port}", media, base / "static")
    server = WebServer(env, http_port, base / "server.log")

    def teardown():
        steps = {}
        for name, step in (
            ("web server", server.stop),
            ("PostgreSQL", cluster.destroy),
            ("files", lambda: remove_directory(base)),
        ):
            started = time.monotonic()
            step()
            steps[name] = time.monotonic() - started
        FIGURES.append("tear-down: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items()))

    # Also if the session ends without running fixture finalisers. A SIGTERM (a CI timeout, `kill`)
    # would end Python at once and leave the server processes running: it interrupts the run
    # like Ctrl-C instead, so that pytest tears everything down.
    atexit.register(teardown)
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    # The steps of a deployment, overlapped where they can be: collectstatic needs no database;
    # the server loads the app (WhiteNoise reads the static folder then) while the migrations run.
    commands = [ManageCommand(env, "collectstatic", "--noinput", "-v0")]
    try:
        timings = {}
        started = time.monotonic()
        cluster.init()
        cluster.start()
        with cluster.connect("postgres") as db:
            db.execute("CREATE DATABASE engagiert")
        timings["cluster"] = time.monotonic() - started

        started = time.monotonic()
        # The migrations, the demo data and an office account in one process (each start of
        # Django costs a second or two).
        commands.append(
            ManageCommand(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from django.core.management import call_command as run\n"
                "run('migrate', interactive=False, verbosity=0)\n"
                "run('load_demo')\n"
                f"run('createsuperuser', interactive=False, username={OFFICE_USER!r}, email='buero@example.org')\n",
                extra_env={"DJANGO_SUPERUSER_PASSWORD": OFFICE_PASSWORD},
            )
        )
        commands[0].wait()
        server.start()
        commands[1].wait()
        timings["migrate, load_demo"] = time.monotonic() - started
        started = time.monotonic()
        server.wait_healthy()
        timings["web server ready after that"] = time.monotonic() - started

        running = Site(cluster, server, env)
        running.targets = public_targets(running)
        manifest = json.loads((base / "static" / "staticfiles.json").read_text())
        running.static_path = "/static/" + manifest["paths"]["css/site.css"]
        FIGURES.append(
            "set-up: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
            + f"; PostgreSQL {bindir.parent.name} on port {db_port}, web server on port {http_port}"
        )
        yield running
    finally:
        for command in commands:
            command.kill()
        teardown()
        atexit.unregister(teardown)
        signal.signal(signal.SIGTERM, previous_sigterm)


@pytest.fixture
def live_site(site):
    """The site, answering: before each test the cluster runs and /healthz says 200."""
    assert site.server.alive(), f"the web server died:\n{tail(site.server.logfile)}"
    if not site.cluster.running:
        site.cluster.start()
    site.server.wait_healthy(timeout=30)
    return site


@pytest.fixture
def site_db(live_site):
    """A superuser connection to the site's database (autocommit)."""
    with live_site.db() as connection:
        yield connection
