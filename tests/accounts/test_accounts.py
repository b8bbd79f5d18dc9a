"""Accounts for the people who maintain the directory: German login and logout, password reset by
e-mail, password change, and the lockout after repeated failed logins (django-axes)."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from tests.core.test_locking import admin_change_url, open_change_form, signed_in
from tests.pages import page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Gruene-Wiese-am-Stadtpark-7"
NEW_PASSWORD = "Ginkgo-Allee-Stendal-2025"
LOGIN = "/anmelden/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The reset-mail counters live in the cache; every test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "koordination", "koordination@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def log_in(client, password=PASSWORD, url=LOGIN, username="koordination", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def errors(response) -> str:
    root = page(response)
    return " ".join(node.text for node in root.find_all(class_="form-errors") + root.find_all("ul", class_="errorlist"))


# --- logging in ----------------------------------------------------------------------------------


def test_the_login_page_is_german(client):
    response = client.get(LOGIN)
    root = page(response)

    assert response.status_code == 200
    assert root.one("h1").text == "Anmelden"
    assert root.one("head").one("title").text == "Anmelden · Engagierte Stadt"
    assert [label.text for label in root.one("main").find_all("label")] == ["Benutzername:", "Passwort:"]
    assert root.one("main").one("button", type="submit").text == "Anmelden"
    forgot = root.one("main").one("a", href="/passwort-vergessen/")
    assert forgot.text == "Passwort vergessen?"
    assert root.one("meta", name="robots").get("content") == "noindex"


@pytest.mark.parametrize(
    "url",
    [LOGIN, "/abmelden/", "/passwort-vergessen/", "/passwort-vergessen/gesendet/", "/passwort-vergessen/fertig/"],
)
def test_account_pages_follow_the_page_conventions(client, url):
    response = client.get(url)
    root = page(response)
    head = root.one("head")

    assert response.status_code == 200
    assert root.one("html").get("lang") == "de"
    assert len(root.find_all("h1")) == 1
    title = head.one("title").text
    assert title.endswith(" · Engagierte Stadt") and len(title) > len(" · Engagierte Stadt")
    assert len(head.one("meta", name="description").get("content")) > 40
    assert head.one("link", rel="canonical").get("href") == "http://testserver" + url
    assert "style=" not in response.content.decode()


def test_the_footer_links_to_the_login_page(client):
    footer = page(client.get("/impressum/")).one("footer")

    assert footer.one("a", href=LOGIN).text == "Anmelden"
    assert footer.find("button") is None


def test_a_valid_login_leads_to_the_admin(client, editor):
    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/anmelden/weiter/"
    assert client.get(response["Location"])["Location"] == "/admin/"
    assert logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_a_login_follows_a_safe_next_address_only(client, editor):
    assert log_in(client, url=LOGIN + "?next=/admin/cities/city/")["Location"] == "/admin/cities/city/"
    client.post("/abmelden/")

    assert log_in(client, url=LOGIN + "?next=https://boese.example/")["Location"] == "/anmelden/weiter/"


def test_the_next_address_survives_the_login_form(client):
    form = page(client.get(LOGIN + "?next=/admin/cities/city/")).one("main").one("form")

    assert form.one("input", name="next").get("value") == "/admin/cities/city/"


def test_a_wrong_password_gives_a_german_error(client, editor):
    response = log_in(client, password="falsch-falsch-falsch")

    assert response.status_code == 200
    assert (
        "Bitte Benutzername und Passwort eingeben. Beide Felder berücksichtigen die Groß-/Kleinschreibung."
        in errors(response)
    )
    assert page(response).one("input", name="username").get("value") == "koordination"
    assert not logged_in(client)


def test_when_logged_in_the_footer_offers_the_admin_and_a_logout_button(client, editor):
    log_in(client)
    footer = page(client.get("/impressum/")).one("footer")

    assert footer.one("a", href="/admin/").text == "Verwaltung"
    form = footer.one("form")
    assert form.get("method") == "post" and form.get("action") == "/abmelden/"
    assert form.one("button").text == "Abmelden"
    assert form.find("input", name="csrfmiddlewaretoken") is not None


# --- logging out ---------------------------------------------------------------------------------


def test_logging_out_takes_a_post(client, editor):
    log_in(client)

    response = client.post("/abmelden/")

    assert response.status_code == 200
    assert page(response).one("h1").text == "Sie sind abgemeldet"
    assert not logged_in(client)


def test_a_get_does_not_log_out_but_offers_the_button(client, editor):
    log_in(client)

    response = client.get("/abmelden/")

    assert response.status_code == 200
    assert logged_in(client)
    form = page(response).one("main").one("form")
    assert form.get("method") == "post" and form.one("button").text == "Abmelden"


def test_logging_out_needs_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.post("/abmelden/").status_code == 403
    assert logged_in(client)


# --- the admin's login -----------------------------------------------------------------------------


def test_the_admin_sends_visitors_to_the_same_german_login_page(client):
    response = client.get("/admin/", follow=True)
    root = page(response)

    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert root.one("h1").text == "Anmelden"
    assert root.one("main").one("a", href="/passwort-vergessen/").text == "Passwort vergessen?"


def test_the_admin_login_lets_staff_in(client, editor):
    response = log_in(client, url=ADMIN_LOGIN + "?next=/admin/")

    assert response["Location"] == "/admin/"
    assert logged_in(client)


def test_the_admin_login_refuses_accounts_without_staff_status(client, django_user_model):
    django_user_model.objects.create_user("gast", "gast@example.org", PASSWORD)

    response = log_in(client, url=ADMIN_LOGIN, username="gast")

    assert response.status_code == 200
    assert "Bitte Benutzername und Passwort für einen Staff-Account eingeben." in errors(response)
    assert not logged_in(client)


def test_the_admin_password_change_and_logout_use_the_same_german_pages(client, editor):
    client.force_login(editor)

    assert page(client.get("/admin/password_change/")).one("h1").text == "Passwort ändern"
    response = client.post("/admin/logout/")
    assert page(response).one("h1").text == "Sie sind abgemeldet"
    assert not logged_in(client)


# --- password reset by e-mail ----------------------------------------------------------------------


def request_reset(client, email="koordination@example.org", **extra):
    return client.post("/passwort-vergessen/", {"email": email}, **extra)


def reset_link(message) -> str:
    (link,) = re.findall(r"http://testserver(/passwort-vergessen/\S+/\S+/)", message.body)
    return link


def test_a_password_reset_sends_one_german_email_with_a_working_link(client, editor):
    response = request_reset(client)

    assert response.status_code == 302 and response["Location"] == "/passwort-vergessen/gesendet/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["koordination@example.org"]
    assert message.subject == "Neues Passwort für das Netzwerkverzeichnis Engagierte Stadt"
    assert message.body.startswith("Guten Tag,")
    assert "„koordination“" in message.body
    assert "Der Link gilt 72 Stunden" in message.body
    assert "Wenn Sie kein neues Passwort angefordert haben" in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert page(form_page).one("h1").text == "Neues Passwort festlegen"
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/neues-passwort/")

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/passwort-vergessen/fertig/"
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    assert log_in(client, password=NEW_PASSWORD)["Location"] == "/anmelden/weiter/"


def test_reset_mails_are_capped_per_address_without_telling(client, editor):
    answers = [request_reset(client) for _ in range(5)]

    assert len(mail.outbox) == 3
    assert {answer["Location"] for answer in answers} == {"/passwort-vergessen/gesendet/"}


def test_reset_mails_are_capped_per_client(client, django_user_model):
    for number in range(12):
        django_user_model.objects.create_user(f"konto{number}", f"konto{number}@example.org", PASSWORD)
    for number in range(12):
        request_reset(client, email=f"konto{number}@example.org")
    assert len(mail.outbox) == 10

    request_reset(client, email="konto11@example.org", REMOTE_ADDR="192.0.2.99")
    assert len(mail.outbox) == 11


def test_a_used_reset_link_no_longer_works(client, editor):
    request_reset(client)
    link = reset_link(mail.outbox[0])
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert page(response).one("h1").text == "Dieser Link gilt nicht mehr"
    assert page(response).one("main").one("a", href="/passwort-vergessen/") is not None


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, editor):
    response = request_reset(client, "niemand@example.org")

    assert response["Location"] == "/passwort-vergessen/gesendet/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("kurz-123", "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."),
        ("123456789012", "Dieses Passwort ist komplett numerisch."),
        ("qwerty123456", "Dieses Passwort ist zu üblich."),
    ],
)
def test_a_weak_new_password_is_refused_in_german(client, editor, weak, message):
    request_reset(client)
    set_password_url = client.get(reset_link(mail.outbox[0]))["Location"]

    response = client.post(set_password_url, {"new_password1": weak, "new_password2": weak})

    assert response.status_code == 200
    assert message in errors(response)
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


# --- password change ---------------------------------------------------------------------------------


def test_changing_the_password_needs_a_login(client):
    response = client.get("/passwort-aendern/")

    assert response["Location"] == "/anmelden/?next=/passwort-aendern/"


def test_a_logged_in_editor_changes_the_password_and_stays_logged_in(client, editor):
    log_in(client)
    assert page(client.get("/passwort-aendern/")).one("h1").text == "Passwort ändern"

    weak = client.post(
        "/passwort-aendern/", {"old_password": PASSWORD, "new_password1": "kurz-123", "new_password2": "kurz-123"}
    )
    assert "zu kurz" in errors(weak)

    response = client.post(
        "/passwort-aendern/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/passwort-aendern/fertig/", 302)]
    assert page(response).one("h1").text == "Ihr Passwort ist geändert"
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    assert logged_in(client)


# --- lockout after failed logins --------------------------------------------------------------------


def fail(client, times, url=LOGIN, username="koordination", **extra):
    return [log_in(client, "falsch-falsch-falsch", url, username, **extra).status_code for _ in range(times)]


def assert_lockout_page(response):
    root = page(response)
    assert response.status_code == 429
    assert len(root.find_all("h1")) == 1
    assert root.one("h1").text == "Anmeldung vorübergehend gesperrt"
    text = root.one("main").text
    assert "Nach 5 falschen Anmeldeversuchen für „koordination“" in text
    assert "für 15 Minuten gesperrt" in text
    assert re.search(r"ab \d\d:\d\d Uhr wieder", text)
    assert root.one("main").one("a", href="/passwort-vergessen/").text == "Passwort zurücksetzen"


def test_five_failed_logins_lock_out_even_the_right_password(client, editor):
    assert fail(client, 4) == [200, 200, 200, 200]
    assert_lockout_page(log_in(client, "falsch-falsch-falsch"))

    before = timezone.localtime() + datetime.timedelta(minutes=15)
    response = log_in(client)
    after = timezone.localtime() + datetime.timedelta(minutes=15)

    assert_lockout_page(response)
    assert any(f"ab {moment:%H:%M} Uhr" in page(response).text for moment in (before, after))
    assert not logged_in(client)
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_the_admin_login_is_throttled_the_same_way(client, editor):
    assert fail(client, 4, url=ADMIN_LOGIN) == [200, 200, 200, 200]
    assert_lockout_page(log_in(client, "falsch-falsch-falsch", url=ADMIN_LOGIN))

    assert_lockout_page(log_in(client, url=ADMIN_LOGIN))
    assert not logged_in(client)


def test_failures_on_both_login_pages_count_together(client, editor):
    fail(client, 3, url=ADMIN_LOGIN)
    fail(client, 2)

    assert_lockout_page(log_in(client))


def test_the_lockout_holds_for_one_username_from_one_address_only(client, editor, django_user_model):
    django_user_model.objects.create_user("programmbuero", "buero@example.org", PASSWORD, is_staff=True)
    fail(client, 5)

    assert log_in(client, username="programmbuero")["Location"] == "/anmelden/weiter/"
    client.post("/abmelden/")
    assert log_in(client, REMOTE_ADDR="192.0.2.44")["Location"] == "/anmelden/weiter/"


def test_the_lockout_ends_after_15_minutes(client, editor):
    fail(client, 5)
    assert log_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert log_in(client)["Location"] == "/anmelden/weiter/"


def test_a_successful_login_clears_the_failures(client, editor):
    fail(client, 4)
    log_in(client)
    client.post("/abmelden/")

    assert fail(client, 4) == [200, 200, 200, 200]


def test_a_password_reset_by_email_lifts_the_lockout(client, editor):
    fail(client, 5)
    request_reset(client)
    set_password_url = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert log_in(client, password=NEW_PASSWORD)["Location"] == "/anmelden/weiter/"


def test_logins_without_a_request_are_not_throttled_but_still_checked(client, editor):
    """The test client's login() and the shell call authenticate() without a request."""
    assert client.login(username="koordination", password=PASSWORD)
    assert not client.login(username="koordination", password="falsch-falsch-falsch")


# --- e-mail configuration -------------------------------------------------------------------------------


def mailer_in(env: dict) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG", "SECRET_KEY", "DATABASE_URL"))}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import json; from django.conf import settings; print(json.dumps(settings.MAILERS))",
        ],
        cwd=ROOT,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_prints_mail_and_production_sends_it_by_smtp_from_the_environment():
    assert mailer_in({"DEBUG": "true"}) == {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

    production = mailer_in(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-entropy-7f3a9c2e1b8d",
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "465",
            "EMAIL_HOST_USER": "verzeichnis",
            "EMAIL_HOST_PASSWORD": "geheim",
            "EMAIL_USE_TLS": "false",
        }
    )["default"]
    assert production["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert production["OPTIONS"] | {"timeout": None} == {
        "host": "smtp.example.org",
        "port": 465,
        "username": "verzeichnis",
        "password": "geheim",
        "use_tls": False,
        "timeout": None,
    }


# --- superusers --------------------------------------------------------------------------------


def test_the_office_cannot_make_itself_a_superuser(demo_users):
    office_user = demo_users["programmbuero"]
    assert not office_user.is_superuser
    client = signed_in(office_user)
    data = open_change_form(client, office_user)
    assert "is_superuser" not in data  # shown, not editable
    data["is_superuser"] = ["on"]

    response = client.post(admin_change_url(office_user), data)

    assert response.status_code == 302
    office_user.refresh_from_db()
    assert not office_user.is_superuser


def test_the_office_cannot_change_or_delete_a_superuser(demo_users, django_user_model):
    root = django_user_model.objects.create_superuser("wurzel", "wurzel@example.org", "Ein-langes-Passwort-2026")
    client = signed_in(demo_users["programmbuero"])

    form_page = client.get(admin_change_url(root)).content.decode()
    assert 'name="username"' not in form_page  # read only
    assert client.post(admin_change_url(root), {"username": "uebernommen"}).status_code == 403
    assert client.post(admin_change_url(root).replace("/change/", "/delete/"), {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.username == "wurzel"


# --- behind a proxy (TRUSTED_PROXIES) ------------------------------------------------------------------

PROXY = "10.0.0.5"


def via_proxy(client_ip):
    """The request as the trusted proxy forwards it for a visitor at `client_ip`."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/8"]])
def test_behind_a_trusted_proxy_the_reset_cap_counts_each_visitor(client, django_user_model, settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    for number in range(11):
        django_user_model.objects.create_user(f"konto{number}", f"konto{number}@example.org", PASSWORD)
    for number in range(10):
        request_reset(client, email=f"konto{number}@example.org", **via_proxy("198.51.100.7"))
    assert len(mail.outbox) == 10

    # Another visitor behind the same proxy: counted for themselves only if the proxy is trusted.
    request_reset(client, email="konto10@example.org", **via_proxy("198.51.100.8"))
    assert len(mail.outbox) == (11 if trusted else 10)


def test_behind_a_trusted_proxy_the_lockout_holds_for_one_visitor_only(client, editor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The attacker also writes an address of their choice into the header: it is not believed.
    attacker = via_proxy("203.0.113.9, 198.51.100.7")
    attacker["HTTP_X_FORWARDED_FOR"] = "192.0.2.1, 198.51.100.7"
    assert fail(client, 5, **attacker) == [200, 200, 200, 200, 429]
    assert_lockout_page(log_in(client, **via_proxy("198.51.100.7")))
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"

    # The owner of the account, at another address behind the same proxy, still gets in.
    assert log_in(client, **via_proxy("198.51.100.200"))["Location"] == "/anmelden/weiter/"


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(client, editor, settings):
    settings.TRUSTED_PROXIES = []
    fail(client, 5, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # A new header value does not make a new client: the lockout holds for REMOTE_ADDR.
    assert_lockout_page(log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.99"))


# --- reset mails leave outside the request (Django's tasks framework) -------------------------------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_tasks(monkeypatch):
    # The worker closes its database connection between tasks (a fresh one per task); inside a
    # test's transaction that would end the transaction, so here it keeps the connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_with_the_production_backend_the_request_only_queues_the_mail(client, editor, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    known = request_reset(client)
    unknown = request_reset(client, "niemand@example.org")

    # Both answers are the same and neither request looked for accounts or sent anything.
    assert known["Location"] == unknown["Location"] == "/passwort-vergessen/gesendet/"
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    run_tasks(monkeypatch)
    assert [message.to for message in mail.outbox] == [["koordination@example.org"]]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    # The link in the queued mail works like one sent at once.
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert page(form_page).one("h1").text == "Neues Passwort festlegen"


def test_a_withheld_reset_queues_nothing(client, editor, settings):
    settings.TASKS = DATABASE_TASKS
    for _ in range(4):
        request_reset(client)
    assert DBTaskResult.objects.count() == 3
