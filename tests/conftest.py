"""Shared fixtures: the demo network, loaded once per test that asks for it."""

import pytest


@pytest.fixture
def demo(db):
    """The demo directory from engagiert/demo/network.toml, as a first-time visitor sees it."""
    from engagiert.demo.loader import load_demo

    load_demo()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture
def demo_users(demo):
    """The demo directory plus the example accounts of engagiert/demo/users.py, by username."""
    from django.contrib.auth import get_user_model

    from engagiert.demo.users import load_demo_users

    names = load_demo_users()
    return {user.username: user for user in get_user_model().objects.filter(username__in=names)}
