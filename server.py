"""The web server of the production profile (README: "Running it for real").

    python server.py                       # the directory: engagiert.wsgi:application
    python server.py hello:application     # any other WSGI application (the benchmark's baseline)

Granian: HTTP is read and written by its Rust runtime, and Django runs in worker processes only
once a request has fully arrived. A client that sends its request slowly, or half of it and then
nothing, holds a few bytes of memory but no worker, and is cut off after HEADER_READ_TIMEOUT_MS.
(Measured against gunicorn's sync, gthread and asgi workers: docs/performance.md.)

Everything that differs between machines comes from the environment:

- WEB_CONCURRENCY   worker processes (default: one per CPU core; more only where requests wait
                    long on a database on another machine, see bench/findings.md)
- SERVER_THREADS    threads per worker that run Django (default 1)
- SERVER_BIND       address to listen on (default 127.0.0.1:8000; 0.0.0.0:8000 behind a load balancer)
- SERVER_MAX_RSS_MB a worker whose memory grows past this is replaced (default 512)

Access and error logs go to standard output as one JSON object per line, like Django's logs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

from engagiert.logs import JSON_FORMATTER

# A request's head must arrive within this time; the body is then read by Django (core/limits.py
# caps its size before that).
HEADER_READ_TIMEOUT_MS = 10_000
# The access log's fields, taken over as JSON keys by engagiert.logs.AccessFields.
ACCESS_FORMAT = "%(method)s %(path)s %(status)d"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def server(target: str = "engagiert.wsgi:application") -> Granian:
    host, _, port = os.environ.get("SERVER_BIND", "127.0.0.1:8000").rpartition(":")
    return Granian(
        target,
        address=host or "127.0.0.1",
        port=int(port),
        interface=Interfaces.WSGI,
        websockets=False,
        # A page costs CPU, not waiting: more processes than cores only take turns on them, and a
        # process that waits for its turn holds its clients' requests (bench/findings.md).
        workers=_int("WEB_CONCURRENCY", multiprocessing.cpu_count()),
        blocking_threads=_int("SERVER_THREADS", 1),
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        # A worker that dies is started again; one that grows past the bound is replaced.
        respawn_failed_workers=True,
        workers_max_rss=_int("SERVER_MAX_RSS_MB", 512),
        rss_samples=3,
        log_level="info",
        log_access=True,
        log_access_format=ACCESS_FORMAT + " %(header{user-agent})s",
        log_dictconfig=LOGGING,
    )


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "filters": {"access": {"()": "engagiert.logs.AccessFields"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["access"],
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}


if __name__ == "__main__":
    server(*sys.argv[1:2]).serve()
