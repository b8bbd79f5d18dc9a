"""The tools of the production tests: a throwaway PostgreSQL cluster, the web server with the
production settings, an HTTP client with cookies and forms, a load generator, and faults
injected into the database. Standard library and psycopg only; the fixtures are in conftest.py.

Short runs by default (seconds, so the suite stays quick); RELIABILITY_FULL=1 runs the full
ones: 50 connections for 30 seconds, and a longer database outage in the middle of a load run.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import gzip
import http.client
import itertools
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.pages import Node, form_data, parse

REPO = Path(__file__).resolve().parents[2]
FULL = os.environ.get("RELIABILITY_FULL", "").strip().lower() in {"1", "true", "yes", "on"}

# Load: concurrent connections and seconds per run.
CONNECTIONS = 50
LOAD_SECONDS = 30.0 if FULL else 3.0
# Database restart: load before the stop, during the outage, after the start.
RESTART_PHASES = (8.0, 10.0, 10.0) if FULL else (1.0, 2.0, 2.0)
# Generous waits for a shared machine with two cores; the behaviour is asserted strictly.
REQUEST_TIMEOUT = 20.0
STARTUP_TIMEOUT = 90.0

OFFICE_USER = "programmbuero-betrieb"
OFFICE_PASSWORD = secrets.token_urlsafe(18)
FAULT_FUNCTION = "engagiert_test_fault"
FAULT_COUNTER = "engagiert_test_fault_fired"

# Lines for the terminal summary (conftest.py hands them to the test reports; tests/conftest.py prints them).
FIGURES: list[str] = []


# --- processes -------------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Ports on 127.0.0.1 that are free right now, all different."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def remove_directory(path: Path) -> None:
    """Remove the throwaway directory. The cluster's thousands of files take seconds on a busy
    disk; with nothing running in it any more, a detached `rm` finishes that after the tests."""
    if not path.exists():
        return
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(path, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries installed, or None."""

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/", path)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and (Path(initdb).parent / "pg_ctl").exists() else None


class PostgresCluster:
    """A PostgreSQL server of its own in `base`: TCP on 127.0.0.1 only, its socket in `base`."""

    def __init__(self, bindir: Path, base: Path, port: int):
        self.bindir = bindir
        self.base = base
        self.port = port
        self.data = base / "data"
        self.sockets = base / "sockets"
        self.logfile = base / "postgresql.log"
        self.sockets.mkdir()
        # initdb and postgres refuse to run as root.
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            owner = pwd.getpwnam("postgres")
            for path in (base, self.sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)

    def _run(self, tool: str, *args: str, timeout: float = 90) -> None:
        command = [*self.as_postgres, str(self.bindir / tool), *args]
        result = subprocess.run(
            command,
            check=False,
            cwd=self.base,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
                f"PostgreSQL log:\n{tail(self.logfile)}"
            )

    def init(self) -> None:
        self._run(
            "initdb", "--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
            "-D", str(self.data),
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c max_connections=60"
            # A throwaway cluster: durability does not matter, speed does.
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-s", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-s", "-w", "-t", "60", "-D", str(self.data), "-m", mode, "stop")

    def postmaster_pid(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    @property
    def running(self) -> bool:
        return self.postmaster_pid() is not None

    def destroy(self) -> None:
        """Stop the server however it stands (no leftovers); the caller removes the directory."""
        if not self.data.exists():
            return
        with contextlib.suppress(Exception):
            if self.running:
                self.stop("immediate")
        pid = self.postmaster_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def url(self, database: str = "engagiert") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "engagiert"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True, connect_timeout=10
        )


class WebServer:
    """`python server.py` (granian with engagiert.wsgi) from the repository root, in a process group of its own."""

    def __init__(self, env: dict[str, str], port: int, logfile: Path):
        self.env = env
        self.port = port
        self.logfile = logfile
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.logfile, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "server.py"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def worker_pids(self) -> set[int]:
        """PIDs of the master's child processes (its workers)."""
        workers = set()
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                text = Path(stat).read_text()
            except OSError:
                continue
            # The command name may hold spaces and parentheses: the fields follow the last ")".
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[1]) == self.master_pid:
                workers.add(int(stat.split("/")[2]))
        return workers

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the web server exited with {self.process.returncode}:\n{tail(self.logfile)}")
            try:
                answer = fetch(self.port, "/healthz", timeout=5)
                if answer.status == 200:
                    return
                last = f"{answer.status} {answer.text[:200]}"
            except OSError as error:
                last = repr(error)
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f} s (last: {last}):\n{tail(self.logfile)}")

    def stop(self) -> None:
        """Kill master and workers at once: a throwaway server owes nobody a graceful goodbye."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


# --- HTTP ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def _decoded(body: bytes, headers) -> bytes:
    if headers.get("Content-Encoding", "").lower() == "gzip":
        return gzip.decompress(body)
    return body


def fetch(port: int, path: str, *, method: str = "GET", headers=None, body=None, timeout=REQUEST_TIMEOUT) -> Answer:
    """One request on a fresh connection."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        raw = response.read()
        return Answer(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            set_cookies=response.headers.get_all("Set-Cookie") or [],
            body=_decoded(raw, response.headers),
            seconds=time.monotonic() - started,
        )
    finally:
        connection.close()


class Browser:
    """A client with cookies, which submits forms as they stand on the page."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = fetch(self.port, path, method=method, headers=headers, body=body)
        for raw in answer.set_cookies:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)

    def form(self, path: str, containing: str) -> tuple[Node, dict[str, list[str]]]:
        """The POST form on the page that has a control named `containing`, and what it submits."""
        answer = self.get(path)
        assert answer.status == 200, f"GET {path}: {answer.status}"
        for form in parse(answer.text).find_all("form"):
            if (form.get("method") or "").lower() == "post" and form.find(name=containing) is not None:
                return form, form_data(form)
        raise AssertionError(f"no POST form with {containing!r} on {path}")

    def login(self, username: str, password: str) -> None:
        _, data = self.form("/anmelden/", "username")
        data.update(username=[username], password=[password])
        answer = self.post("/anmelden/", data)
        assert answer.status == 302, f"login failed: {answer.status} {answer.text[:500]}"


def inline_row(form: Node, prefix: str, index: int) -> dict[str, list[str]]:
    """What the admin's "add another" row `index` of the inline `prefix` submits, with its defaults."""
    template = form.one(id=f"{prefix}-empty")
    parent, template.parent = template.parent, None
    try:
        row = copy.deepcopy(template)
    finally:
        template.parent = parent
    for node in row.iter():
        if node.get("name"):
            node.attrs["name"] = node.attrs["name"].replace("__prefix__", str(index))
    return form_data(row)


# --- load -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Hit:
    target: str
    started: float
    seconds: float
    status: int | None
    conditional: bool = False
    error: str | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class LoadRun:
    """`connections` threads, each with one keep-alive connection (http.client reconnects when the
    server closes it), requesting the targets in turn until stopped. Every second request of a
    page seen before carries its ETag (If-None-Match), as a browser revalidating would."""

    def __init__(self, port: int, targets: list[Target], connections: int = CONNECTIONS):
        self.port = port
        self.targets = targets
        self.connections = connections
        self.hits: list[Hit] = []
        # ETags seen so far, shared by all connections (visitors who saw the page before).
        self.etags: dict[str, str] = {}
        # Requests per page so far, over all connections: every second one is conditional.
        self.asked = {target.name: itertools.count() for target in targets}
        self.stopping = threading.Event()
        self.started: float | None = None
        self.stopped: float | None = None
        self.threads = [
            threading.Thread(target=self._run, args=(index,), name=f"load-{index}", daemon=True)
            for index in range(connections)
        ]

    def __enter__(self):
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> list[Hit]:
        """Stop the connections (a request under way is finished) and return all answers."""
        if self.stopped is None:
            self.stopping.set()
            for thread in self.threads:
                thread.join(REQUEST_TIMEOUT + 10)
            self.stopped = time.monotonic()
        assert not any(thread.is_alive() for thread in self.threads), "load threads hang"
        return self.hits

    def _run(self, index: int) -> None:
        connection = None
        etags = self.etags
        turn = index
        while not self.stopping.is_set():
            target = self.targets[turn % len(self.targets)]
            turn += 1
            headers = {"Accept-Encoding": "gzip", **dict(target.headers)}
            conditional = next(self.asked[target.name]) % 2 == 1 and target.path in etags
            if conditional:
                headers["If-None-Match"] = etags[target.path]
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
                connection.request("GET", target.path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.hits.append(
                    Hit(target.name, started, time.monotonic() - started, None, conditional, error=repr(error))
                )
                if connection is not None:
                    connection.close()
                connection = None
                continue
            hit = Hit(target.name, started, time.monotonic() - started, response.status, conditional)
            if response.status == 200 and response.getheader("ETag"):
                etags[target.path] = response.getheader("ETag")
            if response.status not in (200, 304):
                hit.body = _decoded(body, response.headers)
                hit.headers = {name.lower(): value for name, value in response.getheaders()}
            self.hits.append(hit)
        if connection is not None:
            connection.close()


def describe(hits: list[Hit], seconds: float | None = None) -> str:
    """Counts by status, the request rate and latencies, in one line."""
    if not hits:
        return "no requests"
    statuses = Counter(str(hit.status) if hit.error is None else "error" for hit in hits)
    latencies = sorted(hit.seconds for hit in hits)

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    span = seconds or (max(h.started + h.seconds for h in hits) - min(h.started for h in hits))
    counts = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    return (
        f"{len(hits)} requests in {span:.1f} s ({len(hits) / span:.0f}/s); {counts}; "
        f"latency p50 {quantile(0.5):.0f} ms, p95 {quantile(0.95):.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )


# --- the site -----------------------------------------------------------------------------------------


@dataclass
class Site:
    cluster: PostgresCluster
    server: WebServer
    env: dict[str, str]
    targets: list[Target] = field(default_factory=list)
    static_path: str = ""

    @property
    def port(self) -> int:
        return self.server.port

    def db(self):
        """A superuser connection to the site's database, in autocommit mode."""
        return self.cluster.connect()


def production_env(database_url: str, bind: str, media_root: Path, static_root: Path) -> dict[str, str]:
    """The environment of the production profile: nothing inherited but the basics of the machine."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', os.defpath)}"
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        WEB_CONCURRENCY="2",
        SERVER_BIND=bind,
        MEDIA_ROOT=str(media_root),
        # Its own static folder: collectstatic must not rewrite files a running test process serves.
        STATIC_ROOT=str(static_root),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


class ManageCommand:
    """`manage.py …` with the production environment, running in the background until `wait()`."""

    def __init__(self, env: dict[str, str], *args: str, extra_env: dict | None = None):
        self.args = args
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env={**env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait(self, timeout: float = 300) -> str:
        output, _ = self.process.communicate(timeout=timeout)
        if self.process.returncode != 0:
            raise RuntimeError(f"manage.py {self.args[0]} failed ({self.process.returncode}):\n{output}")
        return output

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class SmtpSink:
    """An SMTP server on loopback that keeps every message it receives (enough SMTP for Django's
    SMTP mailer without TLS: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[str] = []
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                    if verb in {"EHLO", "HELO"}:
                        self.reply("250 sink")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(data.decode(errors="replace"))
                        sink.messages.append("".join(lines))
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Session)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)


def public_targets(site: Site) -> list[Target]:
    """The public pages of the load mix, with slugs taken from the demo data."""
    with site.db() as db:
        state = db.execute(
            "SELECT s.slug FROM cities_state s JOIN cities_city c ON c.state_id = s.id "
            "GROUP BY s.slug ORDER BY count(*) DESC, s.slug LIMIT 1"
        ).fetchone()[0]
        city = db.execute(
            "SELECT c.slug FROM cities_city c JOIN networks_membership m ON m.city_id = c.id "
            "WHERE c.active GROUP BY c.slug ORDER BY count(*) DESC, c.slug LIMIT 1"
        ).fetchone()[0]
        network = db.execute(
            "SELECT n.slug FROM networks_network n JOIN networks_membership m ON m.network_id = n.id "
            "GROUP BY n.slug ORDER BY count(*) DESC, n.slug LIMIT 1"
        ).fetchone()[0]
    return [
        Target("home", "/"),
        Target("towns", "/staedte/"),
        Target("towns filtered", f"/staedte/?land={state}&sortierung=-einwohner"),
        Target("towns HTMX fragment", f"/staedte/?netzwerk={network}", (("HX-Request", "true"),)),
        Target("town", f"/staedte/{city}/"),
        Target("network", f"/netzwerke/{network}/"),
        Target("memberships", "/mitgliedschaften/"),
        Target("meetings", "/treffen/"),
        Target("healthz", "/healthz"),
    ]


# --- faults -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def connection_killed_at(db, table: str, event: str, condition: str):
    """While active, the database session that writes a row of `table` matching `condition` is
    terminated right there, in the middle of its transaction, as a crashed server or a cut
    network would do. `event` is INSERT, UPDATE or DELETE; `condition` speaks of NEW or OLD.

    Yields a function that tells how often the fault fired (a sequence: it survives the rollback).
    """
    db.execute(f"CREATE SEQUENCE IF NOT EXISTS {FAULT_COUNTER}")
    db.execute(
        f"""CREATE OR REPLACE FUNCTION {FAULT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nextval('{FAULT_COUNTER}');
            PERFORM pg_terminate_backend(pg_backend_pid());
            RETURN COALESCE(NEW, OLD);
        END $$"""
    )
    before = _counter(db)
    db.execute(
        f'CREATE TRIGGER {FAULT_FUNCTION} BEFORE {event} ON "{table}" FOR EACH ROW '
        f"WHEN ({condition}) EXECUTE FUNCTION {FAULT_FUNCTION}()"
    )
    try:
        yield lambda: _counter(db) - before
    finally:
        db.execute(f'DROP TRIGGER IF EXISTS {FAULT_FUNCTION} ON "{table}"')


def _counter(db) -> int:
    last, called = db.execute(f"SELECT last_value, is_called FROM {FAULT_COUNTER}").fetchone()
    return last if called else 0


# Rows that change with every login or request and say nothing about the written data.
VOLATILE_TABLES = {"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}


def fingerprint(db) -> dict[str, tuple[int, str]]:
    """(row count, checksum of all rows) of every table of the site."""
    tables = [
        name
        for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        if name not in VOLATILE_TABLES
    ]
    result = {}
    for name in tables:
        result[name] = db.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{name}\" t"
        ).fetchone()
    return result


def changed_tables(before: dict, after: dict) -> dict[str, int]:
    """{table: change of the row count} of every table whose rows changed."""
    return {
        name: after.get(name, (0, ""))[0] - before.get(name, (0, ""))[0]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


# --- the outage page -------------------------------------------------------------------------------

OUTAGE_HEADING = "Das Verzeichnis ist gleich wieder da"


def assert_outage_page(answer, where: str) -> None:
    """The German 503 page while the database cannot be reached: not stored, with Retry-After."""
    assert answer.status == 503, f"{where}: {answer.status} {answer.body[:300]!r}"
    text = answer.body.decode()
    assert OUTAGE_HEADING in text, f"{where}: not the German outage page: {answer.body[:300]!r}"
    assert '<html lang="de">' in text
    assert answer.headers.get("retry-after", "").isdigit(), f"{where}: no Retry-After"
    assert "no-store" in answer.headers.get("cache-control", ""), f"{where}: an outage page must not be stored"


def server_events(log: str) -> list[dict]:
    """The web server's own log records (JSON lines of the logger _granian)."""
    events = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "_granian":
            events.append(record)
    return events
