"""Production settings are safe; development and production are told apart by the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-entropy-7f3a9c2e1b8d",
    "ALLOWED_HOSTS": "verzeichnis.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://verzeichnis.example.org",
    "OPERATOR_NAME": "Beispielträger e. V.",
    "OPERATOR_ADDRESS": "Beispielstraße 1; 12345 Beispielstadt",
    "OPERATOR_EMAIL": "kontakt@verzeichnis.example.org",
}


def run_manage(*args, env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_while_the_impressum_lacks_the_operator():
    env = {key: value for key, value in PRODUCTION_ENV.items() if not key.startswith("OPERATOR_")}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "public.W001" in result.stderr + result.stdout
    assert "OPERATOR_NAME, OPERATOR_ADDRESS, OPERATOR_EMAIL" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_must_be_a_boolean():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "vielleicht"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_development_runs_without_configuration():
    result = run_manage("check", env={"DEBUG": "true", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_in_the_production_profile_with_postgresql_and_redis():
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://engagiert@db.internal:5432/engagiert",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "WEB_CONCURRENCY": "4",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/staedte/?land=sachsen-anhalt", "/staedte/wittenberg/", "/anmelden/", "/healthz"]
)
def test_every_answer_carries_the_security_headers(client, demo, settings, url):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(url, secure=True)
    assert response.status_code == 200
    policy = dict(([*directive.split(" ", 1), ""])[:2] for directive in response["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no nonce, no eval
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()", feature


@pytest.mark.django_db
def test_production_settings_send_hsts_and_redirect_to_https():
    from django.conf import settings

    # The suite runs with DEBUG off, so the production branch of the settings is active.
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_pages_are_german(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


def test_a_development_command_prints_each_log_line_once_and_no_banner(tmp_path):
    """`make run`'s console: Django's warning about a missing page appears once (Django's own
    console handler no longer prints it beside the root's), and django-axes prints no banner."""
    script = "from django.test import Client\nClient(HTTP_HOST='localhost').get('/gibt-es-nicht/')\n"
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = run_manage("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /gibt-es-nicht/") == 1, result.stderr
    assert "AXES" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "options"),
    [
        (None, {"options": "-c random_page_cost=1.1"}),
        ("", {"options": "-c random_page_cost=1.1"}),
        ("2", {"options": "-c random_page_cost=2.0"}),
        ("server", {}),
        (" Server ", {}),
    ],
)
def test_each_postgresql_connection_sets_the_cost_of_a_random_read(monkeypatch, value, options):
    from engagiert.settings import postgres_options

    if value is None:
        monkeypatch.delenv("PG_RANDOM_PAGE_COST", raising=False)
    else:
        monkeypatch.setenv("PG_RANDOM_PAGE_COST", value)
    assert postgres_options() == options


def test_a_random_page_cost_that_is_no_number_stops_the_start():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://engagiert@db.internal:5432/engagiert"}
    result = run_manage("check", env={**env, "PG_RANDOM_PAGE_COST": "billig"})
    assert result.returncode != 0
    assert "PG_RANDOM_PAGE_COST must be a number" in result.stderr


@pytest.mark.django_db
def test_the_database_connection_plans_with_the_lower_cost():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
