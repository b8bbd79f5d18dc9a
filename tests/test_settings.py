"""Production settings are safe; development and production are told apart by the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-entropy-7f3a9c2e1b8d",
    "ALLOWED_HOSTS": "verzeichnis.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://verzeichnis.example.org",
}


def run_manage(*args, env):
    clean_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
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


@pytest.mark.django_db
def test_pages_are_german_and_send_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
