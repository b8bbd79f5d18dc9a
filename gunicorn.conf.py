"""gunicorn settings of the production profile (README: "Running it for real").

    gunicorn -c gunicorn.conf.py engagiert.wsgi

Everything that differs between machines comes from the environment:

- WEB_CONCURRENCY   worker processes (default: 2 per CPU core + 1)
- GUNICORN_THREADS  threads per worker (default 1: plain sync workers)
- GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; 0.0.0.0:8000 behind a load balancer)
- FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)

Access and error logs go to standard output as one JSON object per line, like Django's logs.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from engagiert.logs import JSON_FORMATTER


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
# Requests of the directory take milliseconds; a worker stuck for 30 s is restarted.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so memory never creeps up.
max_requests = 5000
max_requests_jitter = 500
# Load Django once in the master, then fork: faster worker starts, less memory, and a broken
# configuration stops the server at once instead of every worker in a loop. Django opens no
# database connection while loading, so nothing is shared between workers.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "engagiert"
accesslog = "-"
errorlog = "-"
# No control socket in the home directory: several servers on one machine would share its path.
control_socket_disable = True


class JsonLogger(Logger):
    """gunicorn's logger with the access log as structured fields instead of a formatted line."""

    def access(self, resp, req, environ, request_time):
        atoms = self.atoms(resp, req, environ, request_time)
        self.access_log.info(
            "%s %s %s",
            atoms["m"],
            atoms["U"],
            atoms["s"],
            extra={
                "method": atoms["m"],
                "path": atoms["U"],
                "query": atoms["q"],
                "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                "bytes": atoms["B"],
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote_addr": atoms["h"],
                "user_agent": atoms["a"],
            },
        )


logger_class = JsonLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
