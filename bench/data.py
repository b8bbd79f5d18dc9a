"""The benchmark's two PostgreSQL databases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/engagiert_bench_demo  python bench/data.py demo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/engagiert_bench_large python bench/data.py large [--fresh]

`demo` holds the demo network (`load_demo`); `large` holds the demo network plus a large
synthetic directory (`demo.synthetic.generate_directory`: 10,000 towns, 1,000
networks, 100,000 memberships, 50,000 meetings).

Building the large database takes a minute or two, so it is kept between runs: each
database records in its comment (COMMENT ON DATABASE) what it was built from (the numbers
asked for and a fingerprint of the demo file and the generator) and the row counts it
ended with. A later run that finds the same recipe and the same counts only migrates it;
otherwise, and always with --fresh, the database is dropped and built again.
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LARGE = {"towns": 10_000, "networks": 1_000, "memberships": 100_000, "meetings": 50_000}
MARKER = "engagiert-bench "
COUNTED_TABLES = {
    "towns": "cities_city",
    "networks": "networks_network",
    "memberships": "networks_membership",
    "meetings": "events_meeting",
}


def recipe(kind: str) -> dict:
    files = [ROOT / "demo/network.toml"]
    if kind == "large":
        files.append(ROOT / "demo/synthetic.py")
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()[:16]
    return {"kind": kind, "sources": digest, "directory": LARGE if kind == "large" else None}


def connect(url: str, dbname: str | None = None) -> psycopg.Connection:
    parts = urlsplit(url)
    if dbname is not None:
        parts = parts._replace(path=f"/{dbname}")
    return psycopg.connect(urlunsplit(parts), autocommit=True)


def recorded_state(url: str, name: str) -> dict | None:
    """What the database's comment says it holds, if it exists and the counts still match."""
    with connect(url, "postgres") as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None or not (row[0] or "").startswith(MARKER):
        return None
    state = json.loads(row[0][len(MARKER) :])
    try:
        if count_rows(url) != state["counts"]:
            return None
    except psycopg.Error:
        return None
    return state


def count_rows(url: str) -> dict[str, int]:
    with connect(url) as conn:
        return {
            key: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for key, table in COUNTED_TABLES.items()
        }


def recreate(url: str, name: str) -> None:
    with connect(url, "postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_exists(url: str, name: str) -> None:
    with connect(url, "postgres") as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def upcoming_meeting_added() -> bool:
    """Make sure a meeting lies ahead, adding one in a month if none does.

    The demo's last planned meeting is in the past, so its lists of upcoming meetings are empty
    and their prefetch queries never run; the query counts would then differ from the large
    directory's for that reason alone. As in tests/public/test_query_budget.py, one upcoming meeting
    of the Saxon network makes both run the same code.
    """
    from django.utils import timezone

    from events.models import Meeting
    from networks.models import Network

    today = timezone.localdate()
    if Meeting.objects.upcoming(today).exists():
        return False
    meeting = Meeting.objects.create(
        title="Netzwerktreffen im nächsten Monat", starts_on=today + datetime.timedelta(days=30)
    )
    meeting.networks.add(Network.objects.get(slug="engagierte-staedte-sachsen"))
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["demo", "large"])
    parser.add_argument("--fresh", action="store_true", help="drop and build the database even if it is up to date")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    name = urlsplit(url).path.lstrip("/")
    wanted = recipe(args.kind)
    state = None if args.fresh else recorded_state(url, name)
    build = state is None or state["recipe"] != wanted
    if build:
        recreate(url, name)
    else:
        ensure_exists(url, name)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagiert.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    if not build:
        if upcoming_meeting_added():
            state = {**state, "counts": count_rows(url)}
            record(url, name, state)
        print(f"{name}: kept ({summary(state['counts'])}); --fresh builds it anew")
        return

    from demo.loader import load_demo
    from demo.synthetic import generate_directory

    started = time.monotonic()
    load_demo()
    if args.kind == "large":
        print(f"{name}: generating the large directory ({summary(LARGE)}) …", flush=True)
        generate_directory(**LARGE)
    upcoming_meeting_added()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    state = {"recipe": wanted, "counts": count_rows(url), "built_in_seconds": round(time.monotonic() - started, 1)}
    record(url, name, state)
    print(f"{name}: built in {state['built_in_seconds']} s ({summary(state['counts'])})")


def record(url: str, name: str, state: dict) -> None:
    comment = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
        sql.Identifier(name), sql.Literal(MARKER + json.dumps(state))
    )
    with connect(url) as conn:
        conn.execute(comment)


def summary(counts: dict) -> str:
    return ", ".join(f"{value:,} {key}" for key, value in counts.items())


if __name__ == "__main__":
    main()
