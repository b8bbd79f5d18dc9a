"""Reset mails in production: the request only queues them; `manage.py db_worker` sends them.

The production profile keeps tasks in the database (django-tasks-db); the worker is a process of
its own beside the web server, started here as the README says, with an SMTP server on loopback
that receives what it sends.
"""

import re

import pytest

from tests.production.harness import Browser, ManageCommand, SmtpSink, fetch, free_ports, tail

pytestmark = pytest.mark.production

TASK_TIMEOUT = 60.0


def test_the_request_queues_the_reset_mail_and_the_worker_sends_it(live_site, site_db, figures):
    visitor = Browser(live_site.port)
    _, data = visitor.form("/passwort-vergessen/", "email")
    data["email"] = ["buero@example.org"]
    answer = visitor.post("/passwort-vergessen/", data)
    assert answer.status == 302 and answer.headers["location"] == "/passwort-vergessen/gesendet/"
    # The unknown address gets the same answer, and its request did no more than the known one's.
    _, data = visitor.form("/passwort-vergessen/", "email")
    data["email"] = ["niemand@example.org"]
    assert visitor.post("/passwort-vergessen/", data).headers["location"] == "/passwort-vergessen/gesendet/"
    queued = site_db.execute(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    ).fetchone()[0]
    assert queued == 2

    (smtp_port,) = free_ports(1)
    with SmtpSink(smtp_port) as sink:
        worker = ManageCommand(
            live_site.env,
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            extra_env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "false"},
        )
        try:
            messages = sink.wait_for(1, TASK_TIMEOUT)
            done = 0
            for _ in range(int(TASK_TIMEOUT / 0.2)):
                done = site_db.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
                ).fetchone()[0]
                if done == 2:
                    break
                fetch(live_site.port, "/healthz")  # a short pause that also proves the site answers
        finally:
            worker.kill()
    assert len(messages) == 1, f"worker output:\n{worker.process.stdout.read() if worker.process.stdout else ''}"
    assert done == 2, tail(live_site.server.logfile)
    assert "To: buero@example.org" in messages[0]
    link = re.search(r"https?://127\.0\.0\.1:\d+/passwort-vergessen/\S+/\S+/", messages[0].replace("=\r\n", ""))
    assert link, messages[0]
    figures("password reset: 2 requests queued 2 tasks; manage.py db_worker sent the 1 mail for the known address")
